import { describe, expect, it } from 'vitest';
import { indexFileUrl, isTrustedRendererUrl, safeExternalUrl } from '@main/urlPolicy.js';

const index = indexFileUrl('/opt/NetLens/resources/app/dist/renderer/index.html');

describe('isTrustedRendererUrl', () => {
  it('trusts our index page, with any hash or query', () => {
    expect(isTrustedRendererUrl(index, index)).toBe(true);
    expect(isTrustedRendererUrl(`${index}#/traffic`, index)).toBe(true);
    expect(isTrustedRendererUrl(`${index}?x=1`, index)).toBe(true);
  });

  it('refuses every other page', () => {
    for (const url of [
      undefined,
      '',
      'file:///opt/NetLens/resources/app/dist/renderer/other.html',
      'file:///tmp/index.html',
      'https://example.com/index.html',
      'data:text/html,<script>1</script>',
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      'not a url',
    ]) {
      expect(isTrustedRendererUrl(url, index), String(url)).toBe(false);
    }
  });
});

describe('safeExternalUrl', () => {
  it('lets http(s) through, normalised', () => {
    expect(safeExternalUrl('https://example.com/docs')).toBe('https://example.com/docs');
    expect(safeExternalUrl('HTTP://Example.com')).toBe('http://example.com/');
  });

  it('refuses other schemes, credentials and junk', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-settings:',
      'vscode://x',
      'https://user:pass@example.com/',
      'http://',
      `https://example.com/${'a'.repeat(5000)}`,
      42,
      null,
    ]) {
      expect(safeExternalUrl(url), String(url)).toBeUndefined();
    }
  });
});
