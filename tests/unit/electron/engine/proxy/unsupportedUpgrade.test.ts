import { describe, expect, it } from 'vitest';
import { isWebSocketUpgrade, withoutUpgrade } from '@engine/proxy/unsupportedUpgrade.js';

describe('isWebSocketUpgrade', () => {
  it('is true for websocket in any case or list position, false for h2c and the rest', () => {
    expect(isWebSocketUpgrade('websocket')).toBe(true);
    expect(isWebSocketUpgrade('WebSocket')).toBe(true);
    expect(isWebSocketUpgrade('foo/2, websocket')).toBe(true);
    expect(isWebSocketUpgrade('h2c')).toBe(false);
    expect(isWebSocketUpgrade('TLS/1.0')).toBe(false);
    expect(isWebSocketUpgrade(undefined)).toBe(false);
  });
});

describe('withoutUpgrade', () => {
  it('drops Upgrade, HTTP2-Settings and the Connection tokens naming them, keeping the rest in order', () => {
    expect(
      withoutUpgrade([
        'Host',
        'a.test',
        'Connection',
        'Upgrade, HTTP2-Settings',
        'Upgrade',
        'h2c',
        'HTTP2-Settings',
        'AAMAAABk',
        'Accept',
        '*/*',
      ]),
    ).toEqual(['Host', 'a.test', 'Accept', '*/*']);
  });

  it('keeps other Connection tokens', () => {
    expect(withoutUpgrade(['connection', 'keep-alive, Upgrade', 'upgrade', 'TLS/1.0'])).toEqual([
      'connection',
      'keep-alive',
    ]);
  });
});
