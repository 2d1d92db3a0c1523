import { describe, expect, it } from 'vitest';
import { monitorNotice } from '@main/monitorNotice.js';

const change = {
  kind: 'state',
  monitorId: 'm1',
  name: 'Auth API',
  atMs: 1,
  message: 'connect_timeout after 3000 ms',
};

describe('monitorNotice', () => {
  it('announces a monitor going down and coming back', () => {
    expect(monitorNotice({ ...change, from: 'up', to: 'down' })).toEqual({
      title: 'Auth API is down',
      body: 'connect_timeout after 3000 ms',
    });
    expect(monitorNotice({ ...change, from: 'unknown', to: 'down' })?.title).toBe('Auth API is down');
    expect(monitorNotice({ ...change, from: 'down', to: 'up' })?.title).toBe('Auth API is up again');
  });

  it('stays quiet for samples, a healthy start and malformed payloads', () => {
    expect(monitorNotice({ ...change, from: 'unknown', to: 'up' })).toBeUndefined();
    expect(monitorNotice({ kind: 'sample', monitorId: 'm1', sample: {} })).toBeUndefined();
    for (const junk of [null, undefined, 'down', 42, { kind: 'state' }]) {
      expect(monitorNotice(junk)).toBeUndefined();
    }
  });
});
