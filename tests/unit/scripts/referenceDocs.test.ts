import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceDocs } from '@scripts/referenceDocs.js';
import { SETTING_KEYS, SETTINGS_SCHEMA } from '@shared/settingsSchema.js';
import { ERROR_CLASSES } from '@shared/errors.js';
import { FILTER_KEYS } from '@shared/filter.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pages = await referenceDocs(root);

describe('the generated reference docs', () => {
  for (const [file, text] of Object.entries(pages)) {
    it(`${file} is what npm run docs writes (run it after changing the schema, the table or the filter keys)`, () => {
      const committed = readFileSync(path.join(root, file), 'utf8');
      expect(committed).toBe(text);
    });
  }

  it('document every setting with its flag, every error class and every filter key', () => {
    const settings = pages['docs/settings.md']!;
    for (const key of SETTING_KEYS) {
      expect(settings).toContain(`### ${key}`);
      expect(settings).toContain(SETTINGS_SCHEMA[key].flag!);
    }
    const errors = pages['docs/error-classes.md']!;
    for (const errorClass of ERROR_CLASSES) expect(errors).toContain(`### ${errorClass}`);
    const filter = pages['docs/filter.md']!;
    for (const key of Object.keys(FILTER_KEYS)) expect(filter).toContain(`### ${key}`);
  });
});
