import { describe, expect, it } from 'vitest';
import { PollRhythms } from '@engine/analysis/pollRhythm.js';

describe('PollRhythms', () => {
  it('knows a schedule after three successes at one interval, start to start or end to start', () => {
    const rhythms = new PollRhythms();
    rhythms.note('a', 0, 10, true);
    rhythms.note('a', 1000, 1010, true);
    expect(rhythms.onSchedule('a', 2000)).toBe(false);
    rhythms.note('a', 2000, 2010, true);
    expect(rhythms.onSchedule('a', 3000)).toBe(true);
    expect(rhythms.onSchedule('a', 3040)).toBe(true);
    expect(rhythms.onSchedule('a', 2300)).toBe(false);
    expect(rhythms.onSchedule('b', 3000)).toBe(false);
  });

  it('does not learn a schedule from the waits after failures (they may be backoff)', () => {
    const rhythms = new PollRhythms();
    for (let i = 0; i < 5; i++) rhythms.note('a', i * 1000, i * 1000 + 10, false);
    expect(rhythms.onSchedule('a', 5000)).toBe(false);
  });

  it('keeps at most maxKeys requests, dropping the least recently seen', () => {
    const rhythms = new PollRhythms(3);
    for (const key of ['a', 'b', 'c', 'a', 'd']) rhythms.note(key, 0, 1, true);
    expect(rhythms.size).toBe(3);
    rhythms.note('a', 1000, 1001, true);
    rhythms.note('a', 2000, 2001, true);
    expect(rhythms.onSchedule('a', 3000)).toBe(true);
    rhythms.note('b', 1000, 1001, true); // b was dropped: starts again
    expect(rhythms.size).toBe(3);
  });
});
