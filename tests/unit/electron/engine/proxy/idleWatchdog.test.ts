import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleWatchdog } from '@engine/proxy/idleWatchdog.js';

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
});
