import { describe, expect, it } from 'vitest';
import { importProgressText } from '@renderer/views/traffic/ImportProgress';

describe('importProgressText', () => {
  it('says nothing when no import runs, or the last one is done', () => {
    expect(importProgressText(undefined, undefined)).toBeUndefined();
    expect(
      importProgressText(undefined, { importId: 'a', entries: 5, bytesRead: 10, done: true }),
    ).toBeUndefined();
  });

  it('names the file while it is read and sent, without a measure', () => {
    expect(importProgressText({ fileName: 'big.har', bytes: 2048, phase: 'reading' }, undefined)).toEqual({
      text: 'Reading big.har (2.0 KiB)…',
    });
    expect(importProgressText({ fileName: 'big.har', bytes: 2048, phase: 'sending' }, undefined)?.text).toBe(
      'Sending big.har (2.0 KiB) to NetLens…',
    );
  });

  it('counts entries and bytes from the engine, as a fraction of the file when its size is known', () => {
    const line = importProgressText(
      { fileName: 'big.har', bytes: 4096, phase: 'sending' },
      { importId: 'a', entries: 12_345, bytesRead: 1024, totalBytes: 4096, done: false },
    );
    expect(line).toEqual({
      text: 'Importing big.har: 12,345 entries · 1.0 KiB of 4.0 KiB',
      value: 1024,
      max: 4096,
    });
    // From the File menu (Electron) there is no upload: no name, the same measure.
    expect(
      importProgressText(undefined, { importId: 'b', entries: 1, bytesRead: 10, done: false })?.text,
    ).toBe('Importing: 1 entry · 10 B');
  });
});
