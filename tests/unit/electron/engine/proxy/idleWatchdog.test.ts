import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleWatchdog } from '../../../../../electron/engine/proxy/idleWatchdog.js';

describe('IdleWatchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires after the silence, and activity restarts the wait', () => {
    const fired = vi.fn();
    const dog = new IdleWatchdog(100, fired).start();
    vi.advanceTimersByTime(90);
    dog.touch();
    vi.advanceTimersByTime(90);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(20);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('does not count silence while paused (backpressure is ours), nor after stop', () => {
    const fired = vi.fn();
    const dog = new IdleWatchdog(100, fired).start();
    dog.pause();
    vi.advanceTimersByTime(500);
    expect(fired).not.toHaveBeenCalled();
    dog.resume();
    vi.advanceTimersByTime(99);
    dog.stop();
    vi.advanceTimersByTime(500);
    expect(fired).not.toHaveBeenCalled();
  });

  it('is disabled by a timeout of 0', () => {
    const fired = vi.fn();
    new IdleWatchdog(0, fired).start();
    vi.advanceTimersByTime(10_000);
    expect(fired).not.toHaveBeenCalled();
  });

  it('watches many at once with one timer, never early, and stops the timer when none is armed', () => {
    const fired: string[] = [];
    const slow = new IdleWatchdog(8000, () => fired.push('slow')).start();
    vi.advanceTimersByTime(1000);
    // A short one armed later is looked at often enough to fire within an eighth of its timeout.
    const quick = new IdleWatchdog(80, () => fired.push('quick')).start();
    const stopped = new IdleWatchdog(80, () => fired.push('stopped')).start();
    stopped.stop();
    vi.advanceTimersByTime(79);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(11);
    expect(fired).toEqual(['quick']);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(6900);
    expect(fired).toEqual(['quick']);
    vi.advanceTimersByTime(1100);
    expect(fired).toEqual(['quick', 'slow']);
    expect(vi.getTimerCount()).toBe(0);
    // Activity after firing watches again, until stopped.
    quick.touch();
    expect(vi.getTimerCount()).toBe(1);
    quick.stop();
    slow.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
