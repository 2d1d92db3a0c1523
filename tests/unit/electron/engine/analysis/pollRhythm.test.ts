import { describe, expect, it } from 'vitest';
import { PollRhythms, type Poller } from '@engine/analysis/pollRhythm.js';

const c: Poller = { method: 'GET', clientAddress: '127.0.0.1', source: '', userAgent: 'curl/8.5.0' };

describe('PollRhythms', () => {
  it('knows a schedule after three successes at one interval, start to start or end to start', () => {
    const rhythms = new PollRhythms();
    rhythms.note('a', c, 0, 10, true);
    rhythms.note('a', c, 1000, 1010, true);
    expect(rhythms.onSchedule('a', c, 2000)).toBe(false);
    rhythms.note('a', c, 2000, 2010, true);
    expect(rhythms.onSchedule('a', c, 3000)).toBe(true);
    expect(rhythms.onSchedule('a', c, 3040)).toBe(true);
    expect(rhythms.onSchedule('a', c, 2300)).toBe(false);
    expect(rhythms.onSchedule('b', c, 3000)).toBe(false);
    expect(rhythms.onSchedule('a', { ...c, userAgent: 'python-requests/2.31.0' }, 3000)).toBe(false);
  });

  it('does not learn a schedule from the waits after failures (they may be backoff)', () => {
    const rhythms = new PollRhythms();
    for (let i = 0; i < 5; i++) rhythms.note('a', c, i * 1000, i * 1000 + 10, false);
    expect(rhythms.onSchedule('a', c, 5000)).toBe(false);
  });

  it('keeps at most maxKeys URLs, dropping the oldest', () => {
    const rhythms = new PollRhythms(3);
    for (const key of ['a', 'b', 'c', 'd']) rhythms.note(key, c, 0, 1, true);
    expect(rhythms.size).toBe(3);
    for (const key of ['b', 'c', 'd']) {
      rhythms.note(key, c, 1000, 1001, true);
      rhythms.note(key, c, 2000, 2001, true);
      expect(rhythms.onSchedule(key, c, 3000)).toBe(true);
    }
    // a was dropped: its schedule starts again.
    rhythms.note('a', c, 1000, 1001, true);
    rhythms.note('a', c, 2000, 2001, true);
    expect(rhythms.onSchedule('a', c, 3000)).toBe(false);
    expect(rhythms.size).toBe(3);
  });
});
