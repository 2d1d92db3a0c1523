/**
 * Mapping a request path to a file of the built renderer: decoded, normalised and kept inside
 * the root (no `..`, no encoded separators, no NUL), with the MIME type browsers need to run it.
 */
import path from 'node:path';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeTypeFor(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The absolute file for a URL path under `rootDir`, or undefined when the path is malformed or
 * would leave the root. `/` maps to index.html. Existence is checked by the caller.
 */
export function resolveStaticPath(rootDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  // Any `..` segment is refused outright rather than normalised away: no legitimate asset uses one.
  if (decoded.split('/').some((segment) => segment === '..')) return undefined;
  const relative = decoded === '/' || decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const root = path.resolve(rootDir);
  const resolved = path.resolve(root, `.${path.posix.normalize(relative)}`);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) return undefined;
  return resolved;
}
