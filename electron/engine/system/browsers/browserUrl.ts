/** The URL `netlens browser URL` and the API's `url` open, checked before it reaches a command line. */
export class BrowserUrlError extends Error {
  readonly code = 'bad_argument';
}

const ALLOWED_SCHEMES = ['http:', 'https:', 'about:', 'file:', 'data:'];

/**
 * A URL with a scheme as given; `host:port[/path]` and bare host names as http:// (developers
 * open `localhost:3000`). Anything a browser could read as a command-line flag is refused.
 */
export function normalizeBrowserUrl(value: string): string {
  const text = value.trim();
  const bad = (): never => {
    throw new BrowserUrlError(`"${value}" is not a URL: pass e.g. https://example.com/ or localhost:3000.`);
  };
  if (text === '' || text.startsWith('-') || /\s/.test(text)) bad();
  const hostPort =
    /^[\w.-]+:\d{1,5}(?:[/?#]|$)/.test(text) || /^\[[0-9a-fA-F:.]+\](?::\d{1,5})?(?:[/?#]|$)/.test(text);
  const withScheme = !hostPort && /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return bad();
  }
  if (!ALLOWED_SCHEMES.includes(url.protocol)) bad();
  return withScheme;
}
