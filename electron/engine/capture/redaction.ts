/**
 * Redaction of secrets in what NetLens writes out (HAR, NDJSON with `--redact`): credentials
 * in headers, cookie values, secret-looking query parameters and JSON / form body fields.
 * Names are kept and only values replaced, so a redacted capture still shows *that* a request
 * was authenticated and with which scheme. The rules favour catching secrets, but avoid the
 * false positives that would make a capture useless (`Keep-Alive`, `max_tokens`,
 * `Sec-WebSocket-Key`, `token_endpoint`).
 */
import type { Exchange, Header } from '../../../shared/model.js';

export const REDACTED = '[redacted]';
/** In URLs and form bodies: percent-encoded, so the URL stays valid (RFC 3986 §3.4) and decodes to REDACTED. */
export const REDACTED_IN_URL = encodeURIComponent(REDACTED);

/** Headers whose whole value is a credential (RFC 9110 §11.6.2, §11.7.2; RFC 6265). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);
const COOKIE_HEADERS = new Set(['cookie', 'set-cookie', 'set-cookie2']);

/** Words that make a name secret wherever they appear in it (`X-Auth-Token`, `client_secret`). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'token',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'authorization',
  'credential',
  'credentials',
  'session',
  'sessionid',
  'jwt',
  'bearer',
  'signature',
  'csrf',
  'xsrf',
  'cookie',
  'saml',
  'samlresponse',
]);

/**
 * Short words that are secrets only as the last word of a name (`db_pass`, `x-auth`, `sig`),
 * since elsewhere they usually mean something else (`pass_through`, `auth_type`, `pin_style`).
 */
const TRAILING_SECRET_WORDS = new Set(['pass', 'pin', 'sig', 'sid', 'otp', 'auth']);

/** `key` is a secret only after one of these (`X-Api-Key`, `Ocp-Apim-Subscription-Key`), or alone (`?key=`). */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'secret',
  'private',
  'subscription',
  'client',
  'signing',
  'master',
  'license',
  'encryption',
  'app',
  'consumer',
  'account',
  'auth',
  'admin',
  'service',
]);

/**
 * A name ending in one of these is about a secret, not a secret itself: `token_type`,
 * `session_timeout`, `password_policy`, `token_endpoint`, `api_key_name`.
 */
const DESCRIPTIVE_SUFFIXES = new Set([
  'type',
  'types',
  'count',
  'expires',
  'expiry',
  'expiration',
  'ttl',
  'timeout',
  'length',
  'len',
  'max',
  'min',
  'limit',
  'url',
  'uri',
  'endpoint',
  'endpoints',
  'policy',
  'hint',
  'format',
  'version',
  'name',
  'names',
  'required',
  'enabled',
  'supported',
  'method',
  'methods',
  'algorithm',
  'alg',
  'path',
  'in',
  'at',
]);

/** `X-Api-Key` → [x, api, key]; `apiKey` → [api, key]; `PHPSESSID` → [phpsessid]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

function isSecretWord(list: readonly string[], index: number): boolean {
  const word = list[index]!;
  const isLast = index === list.length - 1;
  if (SECRET_WORDS.has(word)) return true;
  if (TRAILING_SECRET_WORDS.has(word)) return isLast;
  if (word === 'key') return list.length === 1 || (isLast && KEY_QUALIFIERS.has(list[index - 1]!));
  // Compounds written as one word: accesstoken, clientsecret, jsessionid, phpsessid, userpassword.
  return (
    (word.endsWith('token') && word !== 'token') ||
    word.endsWith('secret') ||
    word.endsWith('password') ||
    word.includes('sessid') ||
    word.includes('sessionid') ||
    word.endsWith('apikey')
  );
}

/** Whether a header, query parameter, cookie or JSON field name looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower) || COOKIE_HEADERS.has(lower)) return true;
  const list = words(name);
  let secretAt = -1;
  for (let i = 0; i < list.length; i++) {
    if (isSecretWord(list, i)) secretAt = i;
  }
  if (secretAt === -1) return false;
  const last = list[list.length - 1]!;
  return !(secretAt < list.length - 1 && DESCRIPTIVE_SUFFIXES.has(last));
}

/** `Bearer abc` → `Bearer [redacted]`: the scheme helps debugging and is no secret. */
function redactCredentials(value: string): string {
  const match = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+\S/.exec(value);
  return match ? `${match[1]} ${REDACTED}` : REDACTED;
}

/** `a=1; b=2` → `a=[redacted]; b=[redacted]` (RFC 6265 §4.2.1). */
function redactCookieHeader(value: string): string {
  return value
    .split(';')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? pair : `${pair.slice(0, eq)}=${REDACTED}`;
    })
    .join(';');
}

/** `id=abc; Path=/; HttpOnly` → `id=[redacted]; Path=/; HttpOnly`: attributes are kept (RFC 6265 §4.1.1). */
function redactSetCookieHeader(value: string): string {
  const semi = value.indexOf(';');
  const pair = semi === -1 ? value : value.slice(0, semi);
  const rest = semi === -1 ? '' : value.slice(semi);
  const eq = pair.indexOf('=');
  return eq === -1 ? `${REDACTED}${rest}` : `${pair.slice(0, eq)}=${REDACTED}${rest}`;
}

export function redactHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower)) return redactCredentials(value);
  if (lower === 'cookie') return redactCookieHeader(value);
  if (lower === 'set-cookie' || lower === 'set-cookie2') return redactSetCookieHeader(value);
  return isSecretName(name) ? REDACTED : value;
}

export function redactHeaders(headers: readonly Header[]): Header[] {
  return headers.map((header) => {
    const value = redactHeaderValue(header.name, header.value);
    return value === header.value ? { ...header } : { ...header, value };
  });
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * Redacts the values of secret-named pairs of a query string or a form body
 * (application/x-www-form-urlencoded), leaving every other byte as it was.
 */
export function redactFormEncoded(text: string): string {
  return text
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      if (eq === -1 || !isSecretName(decodeComponent(name))) return pair;
      return `${name}=${REDACTED_IN_URL}`;
    })
    .join('&');
}

/** Query values with secret names, and the password of a `user:password@` authority. */
export function redactUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  let base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? undefined : beforeHash.slice(queryAt + 1);
  // RFC 3986 §3.2.1: "user:password" in userinfo is deprecated, and always a secret.
  base = base.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, `$1:${REDACTED_IN_URL}@`);
  return `${base}${query === undefined ? '' : `?${redactFormEncoded(query)}`}${fragment}`;
}

function redactJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      out[key] = isSecretName(key) && inner !== null ? REDACTED : redactJsonValue(inner);
    }
    return out;
  }
  return value;
}

function isJsonType(mimeType: string): boolean {
  return /^application\/([a-z0-9.+-]*\+)?json\b|^text\/json\b/.test(mimeType);
}

/**
 * Redacts secret-named fields of a JSON body or pairs of a form body. Other bodies, and JSON
 * that does not parse, come back unchanged (multipart and binary bodies are not inspected).
 */
export function redactBodyText(text: string, mimeType: string | undefined): string {
  const type = (mimeType ?? '').toLowerCase().trim();
  if (type.startsWith('application/x-www-form-urlencoded')) return redactFormEncoded(text);
  if (isJsonType(type) || (type === '' && /^\s*[{[]/.test(text))) {
    try {
      const parsed: unknown = JSON.parse(text);
      const redacted = redactJsonValue(parsed);
      // Keep pretty-printed JSON pretty, with its own indentation.
      const indented = /^\s*[{[][ \t]*\r?\n([ \t]+)/.exec(text);
      return JSON.stringify(redacted, null, indented?.[1]);
    } catch {
      return text;
    }
  }
  return text;
}

/** A copy of the exchange with its URL and headers redacted (bodies are redacted where they are written). */
export function redactExchange(exchange: Exchange): Exchange {
  const copy: Exchange = {
    ...exchange,
    request: {
      ...exchange.request,
      url: redactUrl(exchange.request.url),
      headers: redactHeaders(exchange.request.headers),
      ...(exchange.request.clientHeaders
        ? { clientHeaders: redactHeaders(exchange.request.clientHeaders) }
        : {}),
    },
  };
  if (exchange.response)
    copy.response = { ...exchange.response, headers: redactHeaders(exchange.response.headers) };
  return copy;
}
