/**
 * Web mode's token leaves the address bar once the page has loaded: the URL `netlens web`
 * prints carries it (`/?token=…`), and left there it sits in the tab's history (Back), in a
 * shared screenshot, in a bookmark. It is no longer needed by then: the page's own scripts and
 * styles are requested without it and load only with the session cookie the first response
 * set, so a running script proves the cookie works and a reload will be let in.
 */

/** The page URL without its `token` parameter, or undefined when there is none. */
export function urlWithoutToken(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  if (!url.searchParams.has('token')) return undefined;
  url.searchParams.delete('token');
  // Keep the path, the other parameters and the hash (`#/traffic`) as they were.
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Replaces the current history entry's URL with the token-free one (no navigation, no reload). */
export function forgetTokenInAddressBar(
  location: { href: string },
  history: Pick<History, 'replaceState' | 'state'>,
): void {
  const clean = urlWithoutToken(location.href);
  if (clean !== undefined) history.replaceState(history.state, '', clean);
}
