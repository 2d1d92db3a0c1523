/**
 * RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
 * request message that lacks a Host header field and to any request message that contains more
 * than one Host header field line". Two Host fields are also how request smuggling through a
 * proxy begins: the proxy and the server could each pick another.
 * Returns why the request must be refused, or undefined.
 */
export function hostFieldProblem(httpVersion: string, rawHeaders: readonly string[]): string | undefined {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') count += 1;
  }
  if (count > 1) return `the request has ${count} Host fields; exactly one is allowed (RFC 9112 §3.2)`;
  if (count === 0 && httpVersion === '1.1') {
    return 'an HTTP/1.1 request without a Host field (RFC 9112 §3.2 requires one)';
  }
  return undefined;
}
