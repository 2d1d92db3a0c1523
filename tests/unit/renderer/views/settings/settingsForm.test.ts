import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@shared/settingsSchema';
import { fieldsOf, parseSettingField, readForm } from '@renderer/views/settings/settingsForm';
import { HOST_LIST_CASES, INTEGER_CASES } from '@fixtures/settingCases';

describe('the settings form reads fields with the schema rule the file, the API and the flags use', () => {
  for (const c of INTEGER_CASES) {
    it(`${c.key} = ${String(c.value)}: ${c.valid ? 'accepted' : 'refused'}`, () => {
      expect(parseSettingField(c.key, String(c.value)).ok).toBe(c.valid);
    });
  }
  for (const c of HOST_LIST_CASES) {
    const lines = c.value as string[];
    // A blank line in the text area is no entry; blank entries are tested on the other paths.
    if (lines.some((line) => line.trim() === '')) continue;
    it(`${c.key} = ${JSON.stringify(lines).slice(0, 40)}: ${c.valid ? 'accepted' : 'refused'}`, () => {
      expect(parseSettingField(c.key, lines.join('\n')).ok).toBe(c.valid);
    });
  }

  it('sends only what changed, and names what cannot be read', () => {
    const fields = fieldsOf(DEFAULT_SETTINGS);
    expect(readForm(DEFAULT_SETTINGS, fields)).toEqual({ patch: {}, problems: {} });
    const edited = {
      ...fields,
      responseTimeoutMs: '0',
      passThroughHosts: 'bank.test\n\n*.pinned.test\n',
      clientHeadersTimeoutMs: '0',
    };
    const reading = readForm(DEFAULT_SETTINGS, edited);
    expect(reading.patch).toEqual({ responseTimeoutMs: 0, passThroughHosts: ['bank.test', '*.pinned.test'] });
    expect(reading.problems.clientHeadersTimeoutMs).toMatch(/from 100 to 600000 ms; got 0$/);
  });
});
