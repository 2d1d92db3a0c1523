import { describe, expect, it } from 'vitest';
import { isTrustedRendererUrl, safeExternalUrl } from '@main/urlPolicy.js';
import { APP_INDEX_URL } from '@main/appProtocol.js';

const index = APP_INDEX_URL;

describe('isTrustedRendererUrl', () => {
  it('trusts our index page, with any hash or query', () => {
    expect(index).toBe('app://netlens/index.html');
    expect(isTrustedRendererUrl(index, index)).toBe(true);
    expect(isTrustedRendererUrl(`${index}#/traffic`, index)).toBe(true);
    expect(isTrustedRendererUrl(`${index}?x=1`, index)).toBe(true);
  });

  it('refuses every other page, the same file over file: included', () => {
    for (const url of [
      undefined,
      '',
      'app://netlens/other.html',
      'app://other/index.html',
      'file:///opt/NetLens/resources/app.asar/dist/renderer/index.html',
      'file:///index.html',
      'https://netlens/index.html',
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
      'app://netlens/index.html',
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
