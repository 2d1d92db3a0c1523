import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mimeTypeFor, resolveStaticPath } from '@engine/web/staticFiles.js';

const root = path.resolve('/srv/netlens/dist/renderer');

describe('resolveStaticPath', () => {
  it('maps / to index.html and assets inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveStaticPath(root, '/assets/a%20b.css')).toBe(path.join(root, 'assets', 'a b.css'));
  });

  it('refuses every way out of the root', () => {
    for (const attempt of [
      '/../package.json',
      '/assets/../../secret',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%2E%2E%2Fetc%2Fpasswd',
      '/..%2f..%2fetc%2fpasswd',
      '/assets/..%5c..%5cwindows',
      '/a\\..\\b',
      '/index.html%00.js',
      '/%E0%A4%A',
      'relative/path',
    ]) {
      expect(resolveStaticPath(root, attempt), attempt).toBeUndefined();
    }
  });
});

describe('mimeTypeFor', () => {
  it('names the types browsers need to run the UI, and octet-stream otherwise', () => {
    expect(mimeTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeTypeFor('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeFor('icon.svg')).toBe('image/svg+xml');
    expect(mimeTypeFor('a.woff2')).toBe('font/woff2');
    expect(mimeTypeFor('README')).toBe('application/octet-stream');
  });
});
