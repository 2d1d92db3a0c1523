import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP, RENDERER_CSP_HEADER, cspFromHtml } from '@engine/web/contentSecurityPolicy.js';

describe('RENDERER_CSP', () => {
  it('is the policy of renderer/index.html, so the header and the meta tag never drift apart', () => {
    const html = readFileSync(path.resolve('renderer/index.html'), 'utf8');
    expect(cspFromHtml(html)).toBe(RENDERER_CSP);
  });

  it('allows no inline or remote script and no framing', () => {
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(RENDERER_CSP).toContain("object-src 'none'");
    expect(RENDERER_CSP_HEADER).toContain("frame-ancestors 'none'");
  });

  // Issue 11.13: `connect-src 'self' ws: wss:` let a script open a WebSocket to any host.
  it("connects to its own origin only ('self' covers the page's own ws:)", () => {
    expect(/connect-src ([^;]*)/.exec(RENDERER_CSP)?.[1]).toBe("'self'");
  });
});
