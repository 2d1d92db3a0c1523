/**
 * Issue 11.12: a failed HAR import printed a stack trace and quoted the file's contents in the
 * UI's notice. Now: a code, one line naming where the file is wrong, no stack, no content.
 */
import { describe, expect, it } from 'vitest';
import { createApiDispatcher } from '@engine/api/apiHandlers.js';
import {
  HAR_IMPORT_FAILED,
  HAR_INVALID,
  contentFreeMessage,
  harImportFailure,
} from '@engine/api/harImportFailure.js';
import { parseHar } from '@engine/capture/harImport.js';
import { createFakeEngine } from '@fixtures/fakeEngine.js';
import type { HarImportSummary } from '@shared/api.js';

function failureOf(text: string): unknown {
  try {
    parseHar(text);
  } catch (error) {
    return error;
  }
  throw new Error('parseHar accepted the text');
}

const SECRET = 'sekrit-cookie-value';

describe('harImportFailure', () => {
  it('keeps where a JSON syntax error is and drops the text V8 quotes around it', () => {
    const failure = harImportFailure(failureOf(`{"log": {"entries": [{"cookie": ${SECRET}}]}}`));
    expect(failure.code).toBe(HAR_INVALID);
    expect(failure.message).toMatch(/line 1, column \d+/);
    expect(failure.message).not.toContain('sekrit');
    expect(failure.message).not.toContain('\n');
    expect(failure.message).toMatch(
      /^The file is not valid JSON: expected a value \(line 1, column \d+\)\.$/,
    );
  });

  it('keeps the JSON path of a structural error', () => {
    const failure = harImportFailure(failureOf('{"log": {"entries": 5}}'));
    expect(failure).toMatchObject({ code: HAR_INVALID });
    expect(failure.message).toContain('log.entries');
  });

  it('codes an unexpected error as a NetLens bug, one line, without its stack', () => {
    const bug = new TypeError(`Cannot read properties of undefined\n    at parse (harImport.ts:1:1)`);
    const failure = harImportFailure(bug);
    expect(failure.code).toBe(HAR_IMPORT_FAILED);
    expect(failure.message).toContain('TypeError: Cannot read properties of undefined');
    expect(failure.message).not.toContain('harImport.ts');
  });

  it('elides quoted values but keeps quoted key names', () => {
    expect(contentFreeMessage(`entries[3].startedDateTime "${SECRET}" is not a date`)).toBe(
      'entries[3].startedDateTime "…" is not a date',
    );
    expect(contentFreeMessage('log is missing (a HAR file is {"log": {"entries": [...]}})')).toBe(
      'log is missing (a HAR file is {"log": {"entries": [...]}})',
    );
    expect(
      contentFreeMessage(`Unexpected token 's', "{"a": ${SECRET}"... is not valid JSON (line 1, column 7)`),
    ).toBe('Unexpected character (line 1, column 7)');
  });
});

describe('har:import through the dispatcher', () => {
  it('answers a coded, content-free error and reports nothing as unexpected (no stack printed)', async () => {
    const engine = createFakeEngine();
    const unexpected: unknown[] = [];
    const dispatch = createApiDispatcher(engine, undefined, {
      onUnexpectedError: (_c, e) => unexpected.push(e),
    });
    engine.failNext('importHar', failureOf(`{"log": ${SECRET}}`));
    const result = await dispatch('har:import', [`{"log": ${SECRET}}`]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(HAR_INVALID);
    expect(result.error.message).not.toContain('sekrit');
    expect(unexpected).toEqual([]);
  });

  it('cleans the reasons of skipped entries too', async () => {
    const engine = createFakeEngine();
    const summary: HarImportSummary = {
      imported: 1,
      skipped: [{ index: 2, reason: `entries[2].startedDateTime "${SECRET}" is not a date` }],
    };
    engine.importHar = async () => summary;
    const dispatch = createApiDispatcher(engine);
    const result = await dispatch('har:import', ['{}']);
    expect(result).toEqual({
      ok: true,
      value: { imported: 1, skipped: [{ index: 2, reason: 'entries[2].startedDateTime "…" is not a date' }] },
    });
  });
});
