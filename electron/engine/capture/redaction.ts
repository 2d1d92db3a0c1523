/**
 * Redaction of secrets in what NetLens writes out (HAR, and the NDJSON and terse lines of
 * `--redact`). Everything that redacts goes through this module, and this module decides from
 * ONE list, SECRET_RULES below (documented in docs/redaction.md; a test keeps the two equal):
 *
 * - names that hold a secret (`Authorization`, `client_secret`, `X-Api-Key`, `card_number`),
 *   in headers, query strings, URL fragments, form / multipart fields, JSON keys, XML elements;
 * - names that hold one only in context (`code` is the OAuth authorization code in a query or a
 *   form, an error code elsewhere) or when the value looks like a token (`refresh`, `access`);
 * - values that are secrets by their shape wherever they appear (a JWT's signature, a PEM
 *   private key, vendor tokens such as `ghp_…`), including in bodies of any text type;
 * - the userinfo of a URL (`https://TOKEN@host/`, `user:password@`), and cookie values.
 *
 * Names are kept and only values replaced, so a redacted capture still shows *that* a request
 * was authenticated and with which scheme. The rules favour catching secrets, but avoid the
 * false positives that would make a capture useless (`Keep-Alive`, `max_tokens`,
 * `Sec-WebSocket-Key`, `token_endpoint`, `"code": 404`).
 */
import type { Exchange, Header } from '../../../shared/model.js';
import type { GrpcDecodedMessages, GrpcMessageJson } from '../../../shared/grpcMessageJson.js';

export const REDACTED = '[redacted]';
/** In URLs and form bodies: percent-encoded, so the URL stays valid (RFC 3986 §3.4) and decodes to REDACTED. */
export const REDACTED_IN_URL = encodeURIComponent(REDACTED);

/**
 * The one list. Names are split into lower-case words first (`X-Api-Key` → x api key,
 * `refreshToken` → refresh token, `ASP.NET_SessionId` → asp net session id).
 */
export const SECRET_RULES = {
  /** Headers whose whole value is a credential; the auth scheme is kept (RFC 9110 §11.6.2, §11.7.2). */
  credentialHeaders: ['authorization', 'proxy-authorization'],
  /** Cookie values are always redacted, cookie names and Set-Cookie attributes kept (RFC 6265). */
  cookieHeaders: ['cookie', 'set-cookie', 'set-cookie2'],
  /** Headers whose value is a URL (or holds URLs): redacted as URLs are. */
  urlHeaders: ['location', 'content-location', 'referer', 'link', 'refresh'],
  /** A name containing one of these words is secret (`X-Auth-Token`, `client_secret`, `ssn`). */
  secretWords: [
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
    'privkey',
    'authorization',
    'credential',
    'credentials',
    'session',
    'sessionid',
    'jwt',
    'bearer',
    'signature',
    'assertion',
    'csrf',
    'xsrf',
    'cookie',
    'saml',
    'samlrequest',
    'samlresponse',
    'ssn',
    'cvv',
    'cvv2',
    'cvc',
    'cvc2',
    'cvn',
    'iban',
    'cardnumber',
    'cardnum',
    'ccnumber',
    'ccnum',
    'creditcard',
    'debitcard',
  ],
  /** Secret only as the last word (`db_pass`, `x-auth`, `sig`, `pan`); elsewhere they mean other things (`pass_through`). */
  trailingSecretWords: ['pass', 'pin', 'sig', 'sid', 'otp', 'auth', 'pan', 'csc'],
  /** `key` is secret after one of these (`X-Api-Key`, `Ocp-Apim-Subscription-Key`), or as the whole name (`?key=`). */
  keyQualifiers: [
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
    'ssh',
    'pgp',
    'gpg',
    'hmac',
    'shared',
    'storage',
  ],
  /** `code` / `codes` are secret after one of these: one-time codes (`device_code` of RFC 8628, 2FA codes). */
  codeQualifiers: [
    'auth',
    'authorization',
    'device',
    'user',
    'otp',
    'totp',
    'mfa',
    '2fa',
    'sms',
    'verification',
    'recovery',
    'backup',
    'reset',
    'activation',
    'confirmation',
    'login',
    'security',
  ],
  /** Other word sequences that make a name secret wherever they appear in it (`card_number`, `cc_num`). */
  secretPhrases: [
    // PKCE (RFC 7636): the verifier is the secret, the challenge is public.
    ['code', 'verifier'],
    // Payment cards (PCI DSS: the number and the verification value) and bank accounts.
    ...['card', 'cc'].flatMap((card) => ['number', 'num', 'no', 'nr'].map((number) => [card, number])),
    ['credit', 'card'],
    ['debit', 'card'],
    ['account', 'number'],
    // Identity numbers.
    ['social', 'security'],
    ['national', 'id'],
    ['national', 'insurance'],
    ['passport', 'number'],
  ],
  /**
   * A name ending in one of these is about a secret, not a secret itself: `token_type`,
   * `session_timeout`, `password_policy`, `token_endpoint`, `api_key_name`.
   */
  descriptiveSuffixes: [
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
  ],
  /**
   * `code` alone is the OAuth authorization code (RFC 6749 §4.1.2, §4.1.3) in a query string, a
   * URL fragment or a form; in JSON and XML it usually is an error code, so there it is secret
   * only beside one of these OAuth fields, or when its value looks like a token.
   */
  oauthCodeSiblings: ['grant_type', 'redirect_uri', 'client_id', 'code_verifier', 'client_secret'],
  /** Names secret only when their value looks like a token (SimpleJWT's `{"access", "refresh"}`). */
  tokenShapedNames: ['code', 'refresh', 'access'],
} as const;

/**
 * Values that are secrets by their shape, wherever they are. Each keeps what identifies the
 * kind of secret (the JWT's header and claims, a vendor prefix) and loses what grants access.
 * Every pattern is a fixed prefix and bounded character classes: linear on any input.
 */
export const SECRET_VALUE_PATTERNS: readonly { name: string; pattern: RegExp; keep: number }[] = [
  // RFC 7519: header.payload.signature; without the signature the token is useless.
  {
    name: 'JWT signature',
    pattern: /\b(eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.)[A-Za-z0-9_-]{8,}/g,
    keep: 1,
  },
  { name: 'GitHub token', pattern: /\b(gh[pousr]_)[A-Za-z0-9]{30,255}\b/g, keep: 1 },
  { name: 'GitHub fine-grained token', pattern: /\b(github_pat_)[A-Za-z0-9_]{22,255}\b/g, keep: 1 },
  { name: 'GitLab token', pattern: /\b(glpat-)[A-Za-z0-9_-]{20,255}/g, keep: 1 },
  { name: 'Slack token', pattern: /\b(xox[abposr]-)[A-Za-z0-9-]{10,255}/g, keep: 1 },
  { name: 'Stripe key', pattern: /\b([rs]k_(?:live|test)_)[A-Za-z0-9]{10,255}\b/g, keep: 1 },
  { name: 'Google API key', pattern: /\b(AIza)[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, keep: 1 },
  { name: 'AWS access key id', pattern: /\b((?:AKIA|ASIA))[0-9A-Z]{16}\b/g, keep: 1 },
  { name: 'npm token', pattern: /\b(npm_)[A-Za-z0-9]{36}\b/g, keep: 1 },
  {
    name: 'OpenAI / Anthropic key',
    pattern: /\b(sk-(?:proj|ant|svcacct|admin)-)[A-Za-z0-9_-]{20,255}/g,
    keep: 1,
  },
];

const CREDENTIAL_HEADERS = new Set<string>(SECRET_RULES.credentialHeaders);
const COOKIE_HEADERS = new Set<string>(SECRET_RULES.cookieHeaders);
const URL_HEADERS = new Set<string>(SECRET_RULES.urlHeaders);
const SECRET_WORDS = new Set<string>(SECRET_RULES.secretWords);
const TRAILING_SECRET_WORDS = new Set<string>(SECRET_RULES.trailingSecretWords);
const DESCRIPTIVE_SUFFIXES = new Set<string>(SECRET_RULES.descriptiveSuffixes);
const OAUTH_CODE_SIBLINGS = new Set<string>(SECRET_RULES.oauthCodeSiblings);
const TOKEN_SHAPED_NAMES = new Set<string>(SECRET_RULES.tokenShapedNames);
/** Phrases by their last word, for a lookup per word instead of a scan of every phrase. */
const PHRASES_BY_LAST_WORD = new Map<string, (readonly string[])[]>();
for (const phrase of [
  ...SECRET_RULES.keyQualifiers.map((qualifier) => [qualifier, 'key']),
  ...SECRET_RULES.codeQualifiers.flatMap((qualifier) => [
    [qualifier, 'code'],
    [qualifier, 'codes'],
  ]),
  ...SECRET_RULES.secretPhrases,
]) {
  const last = phrase[phrase.length - 1]!;
  PHRASES_BY_LAST_WORD.set(last, [...(PHRASES_BY_LAST_WORD.get(last) ?? []), phrase]);
}
/** A name longer than this is not a field name anyone wrote; judged by its start only. */
const MAX_NAME_LENGTH = 256;

/** `X-Api-Key` → [x, api, key]; `apiKey` → [api, key]; `PHPSESSID` → [phpsessid]. */
function words(name: string): string[] {
  return name
    .slice(0, MAX_NAME_LENGTH)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** Whether the word at `index` ends a secret word or phrase. */
function endsSecret(list: readonly string[], index: number): boolean {
  const word = list[index]!;
  const isLast = index === list.length - 1;
  if (SECRET_WORDS.has(word)) return true;
  if (TRAILING_SECRET_WORDS.has(word)) return isLast;
  if (word === 'key' && list.length === 1) return true;
  for (const phrase of PHRASES_BY_LAST_WORD.get(word) ?? []) {
    const start = index - phrase.length + 1;
    if (start >= 0 && phrase.every((part, i) => list[start + i] === part)) return true;
  }
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

/** Whether a header, query parameter, cookie, form field, JSON key or XML element name holds a secret. */
export function isSecretName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower) || COOKIE_HEADERS.has(lower)) return true;
  const list = words(name);
  let secretAt = -1;
  for (let i = 0; i < list.length; i++) {
    if (endsSecret(list, i)) secretAt = i;
  }
  if (secretAt === -1) return false;
  const last = list[list.length - 1]!;
  return !(secretAt < list.length - 1 && DESCRIPTIVE_SUFFIXES.has(last));
}

/**
 * Looks like a generated token: long, no spaces, letters of both cases and a digit. Error codes
 * (`invalid_grant`, `ERR_TIMEOUT_42`) and words are not; random base64/hex-ish strings are.
 */
export function isTokenShaped(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length >= 20 &&
    value.length <= 65_536 &&
    /^[\x21-\x7e]+$/.test(value) &&
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value) &&
    /[0-9]/.test(value)
  );
}

/** Where a name/value pair was found: `code` means different things in different places. */
export type FieldContext = 'query' | 'form' | 'json' | 'xml';

/**
 * The decision for one field: its name, in its context (`siblings`: the other keys of the same
 * JSON object), and for a few ambiguous names its value.
 */
export function isSecretField(
  name: string,
  value: unknown,
  context: FieldContext,
  siblings?: ReadonlySet<string>,
): boolean {
  if (isSecretName(name)) return true;
  const lower = name.trim().toLowerCase();
  if (lower === 'code') {
    if (context === 'query' || context === 'form') return true;
    if (siblings && [...OAUTH_CODE_SIBLINGS].some((sibling) => siblings.has(sibling))) return true;
  }
  return TOKEN_SHAPED_NAMES.has(lower) && isTokenShaped(value);
}

/** PEM private key blocks (RFC 7468), found by their markers (never a backtracking regex). */
function redactPrivateKeyBlocks(text: string, replacement: string): string {
  const BEGIN = '-----BEGIN ';
  let at = text.indexOf(BEGIN);
  if (at === -1) return text;
  let out = '';
  let copied = 0;
  while (at !== -1) {
    const labelEnd = text.indexOf('-----', at + BEGIN.length);
    const label = labelEnd === -1 ? '' : text.slice(at + BEGIN.length, labelEnd);
    if (labelEnd === -1 || label.length > 40 || !label.endsWith('PRIVATE KEY')) {
      at = text.indexOf(BEGIN, at + BEGIN.length);
      continue;
    }
    const contentStart = labelEnd + 5;
    const endMarker = `-----END ${label}-----`;
    const endAt = text.indexOf(endMarker, contentStart);
    // A block cut short (a truncated body) is redacted to the end of the text.
    const contentEnd = endAt === -1 ? text.length : endAt;
    out += text.slice(copied, contentStart) + replacement;
    copied = contentEnd;
    at = endAt === -1 ? -1 : text.indexOf(BEGIN, endAt + endMarker.length);
  }
  return out + text.slice(copied);
}

/** Replaces the secret part of every secret-shaped value in free text (SECRET_VALUE_PATTERNS, PEM keys). */
export function redactSecretsInText(text: string, replacement: string = REDACTED): string {
  let out = redactPrivateKeyBlocks(text, replacement);
  for (const { pattern } of SECRET_VALUE_PATTERNS) {
    pattern.lastIndex = 0;
    if (!pattern.test(out)) continue;
    pattern.lastIndex = 0;
    out = out.replace(pattern, (_match, kept: string) => `${kept}${replacement}`);
  }
  return out;
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

/** URLs inside header values: `Link: <URL>; rel=next` (RFC 8288), `Refresh: 5; url=URL`. */
function redactUrlHeader(lower: string, value: string): string {
  if (lower === 'link') return value.replace(/<([^<>]*)>/g, (_m, url: string) => `<${redactUrl(url)}>`);
  if (lower === 'refresh') {
    return value.replace(/(;\s*url\s*=\s*)(['"]?)([^'"]*)\2/i, (_m, lead: string, q: string, url: string) => {
      return `${lead}${q}${redactUrl(url)}${q}`;
    });
  }
  return redactUrl(value);
}

export function redactHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower)) return redactCredentials(value);
  if (lower === 'cookie') return redactCookieHeader(value);
  if (lower === 'set-cookie' || lower === 'set-cookie2') return redactSetCookieHeader(value);
  if (isSecretName(name)) return REDACTED;
  if (URL_HEADERS.has(lower)) return redactUrlHeader(lower, value);
  return redactSecretsInText(value);
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
 * Redacts the values of secret pairs of a query string, a URL fragment or a form body
 * (application/x-www-form-urlencoded), leaving every other byte as it was.
 */
export function redactFormEncoded(text: string): string {
  return text
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (isSecretField(decodeComponent(name), decodeComponent(value), 'form')) {
        return `${name}=${REDACTED_IN_URL}`;
      }
      return `${name}=${redactSecretsInText(value, REDACTED_IN_URL)}`;
    })
    .join('&');
}

/**
 * The userinfo of an authority (RFC 3986 §3.2.1), user and password alike: `https://TOKEN@host/`
 * and `https://TOKEN:x-oauth-basic@host/` carry the secret in the user part. The last `@` of the
 * authority ends it, as WHATWG URL parsing has it.
 */
function redactUserinfo(base: string): string {
  const match = /^([a-z][a-z0-9+.-]*:)?\/\/([^/?#]*)/i.exec(base);
  if (!match) return base;
  const authority = match[2]!;
  const at = authority.lastIndexOf('@');
  if (at === -1) return base;
  const userinfo = authority.slice(0, at);
  const redacted = userinfo.includes(':') ? `${REDACTED_IN_URL}:${REDACTED_IN_URL}` : REDACTED_IN_URL;
  const authorityStart = match[0].length - authority.length;
  return `${base.slice(0, authorityStart)}${redacted}${base.slice(authorityStart + at)}`;
}

/**
 * A URL (absolute or relative) with its userinfo, secret query and fragment values, and any
 * secret-shaped value in its path redacted; everything else kept byte for byte.
 */
export function redactUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const fragment = hashAt === -1 ? undefined : url.slice(hashAt + 1);
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? undefined : beforeHash.slice(queryAt + 1);
  // OAuth's implicit flow returns tokens in the fragment (RFC 6749 §4.2.2), e.g. in a Location.
  const redactedFragment =
    fragment === undefined ? '' : `#${fragment.includes('=') ? redactFormEncoded(fragment) : fragment}`;
  return (
    redactSecretsInText(redactUserinfo(base), REDACTED_IN_URL) +
    (query === undefined ? '' : `?${redactFormEncoded(query)}`) +
    redactedFragment
  );
}

/** Nesting deeper than this in a JSON body is replaced whole: no stack overflow on hostile input. */
const MAX_JSON_DEPTH = 200;

function redactJsonValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecretsInText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_JSON_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactJsonValue(item, depth + 1));
  const record = value as Record<string, unknown>;
  const keys = new Set(Object.keys(record).map((key) => key.toLowerCase()));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(record)) {
    out[key] =
      inner !== null && isSecretField(key, inner, 'json', keys)
        ? REDACTED
        : redactJsonValue(inner, depth + 1);
  }
  return out;
}

/** A gRPC call's decoded messages (HAR, NDJSON), redacted as a JSON body is: secret-named fields, token-shaped values. */
export function redactGrpcMessages(decoded: GrpcDecodedMessages): GrpcDecodedMessages {
  const redactSide = (messages: GrpcMessageJson[]) =>
    messages.map((message) =>
      message.fields
        ? { ...message, fields: redactJsonValue(message.fields, 0) as Record<string, unknown> }
        : { ...message },
    );
  return { ...decoded, request: redactSide(decoded.request), response: redactSide(decoded.response) };
}

function isJsonType(mimeType: string): boolean {
  return /^application\/([a-z0-9.+-]*\+)?json\b|^text\/json\b|^application\/x-ndjson\b/.test(mimeType);
}

/** No type, or one that says nothing (HAR's `x-unknown`, octet-stream, plain text): JSON is recognised by parsing. */
function isUntyped(mimeType: string): boolean {
  const essence = mimeType.split(';', 1)[0]!.trim();
  return ['', 'x-unknown', 'application/x-unknown', 'application/octet-stream', 'text/plain'].includes(
    essence,
  );
}

function isXmlType(mimeType: string): boolean {
  return /^(application|text)\/([a-z0-9.+-]*\+)?xml\b/.test(mimeType);
}

function redactJsonText(text: string): string | undefined {
  try {
    const redacted = redactJsonValue(JSON.parse(text), 0);
    // Keep pretty-printed JSON pretty, with its own indentation.
    const indented = /^\s*[{[][ \t]*\r?\n([ \t]+)/.exec(text);
    return JSON.stringify(redacted, null, indented?.[1]);
  } catch {
    return undefined;
  }
}

/** `{"a":1}\n{"b":2}`: one JSON value per line (NDJSON / JSON Lines). */
function redactJsonLines(text: string): string | undefined {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') {
      out.push(line);
      continue;
    }
    const redacted = redactJsonText(line);
    if (redacted === undefined) return undefined;
    out.push(redacted + (line.endsWith('\r') ? '\r' : ''));
  }
  return out.join('\n');
}

/**
 * multipart/form-data (RFC 7578): the value of every secret-named field that is not a file is
 * replaced; files and other parts are kept (free-text patterns still apply to the whole body).
 */
function redactMultipart(text: string, boundary: string): string {
  const delimiter = `--${boundary}`;
  const parts = text.split(delimiter);
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const headEnd = /\r?\n\r?\n/.exec(part);
    if (!headEnd) continue;
    const head = part.slice(0, headEnd.index);
    const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    if (/\bfilename\*?=/i.test(disposition)) continue;
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? /\bname=([^;\s]+)/i.exec(disposition)?.[1];
    if (name === undefined) continue;
    const bodyStart = headEnd.index + headEnd[0].length;
    // The part's content ends before the line break that precedes the next delimiter.
    const trailing = /\r?\n$/.exec(part)?.[0] ?? '';
    const value = part.slice(bodyStart, part.length - trailing.length);
    if (isSecretField(name, value, 'form')) {
      parts[i] = `${part.slice(0, bodyStart)}${REDACTED}${trailing}`;
    }
  }
  return parts.join(delimiter);
}

/**
 * XML: the text of a leaf element with a secret local name (`<wsse:Password>…</wsse:Password>`)
 * and the value of an attribute with a secret name. Linear: each match stops at the next `<`.
 */
function redactXml(text: string): string {
  const elements = text.replace(
    /<((?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))(\s[^<>]*)?>([^<]*)<\/\1\s*>/g,
    (whole, qualified: string, local: string, attributes: string | undefined, content: string) =>
      content.trim() !== '' && isSecretField(local, content.trim(), 'xml')
        ? `<${qualified}${attributes ?? ''}>${REDACTED}</${qualified}>`
        : whole,
  );
  return elements.replace(/<[A-Za-z_][\w.:-]*\s[^<>]*>/g, (tag) =>
    tag.replace(
      /(\s)((?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))(\s*=\s*)("[^"]*"|'[^']*')/g,
      (whole, space: string, qualified: string, local: string, eq: string, quoted: string) =>
        isSecretField(local, quoted.slice(1, -1), 'xml')
          ? `${space}${qualified}${eq}${quoted[0]}${REDACTED}${quoted[0]}`
          : whole,
    ),
  );
}

/**
 * Redacts a body given as text by its type: JSON (and NDJSON) fields, form pairs, multipart
 * fields and XML elements and attributes by name; then, in every text type (HTML, plain text,
 * JavaScript, JSON that does not parse...), the secret-shaped values. Binary bodies are not
 * handed here (they are exported as base64, unchanged).
 */
export function redactBodyText(text: string, mimeType: string | undefined): string {
  const type = (mimeType ?? '').toLowerCase().trim();
  if (type.startsWith('application/x-www-form-urlencoded')) return redactFormEncoded(text);
  if (isJsonType(type) || (isUntyped(type) && /^\s*[{[]/.test(text))) {
    const redacted = redactJsonText(text) ?? (type.includes('ndjson') ? redactJsonLines(text) : undefined);
    if (redacted !== undefined) return redacted;
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(mimeType ?? '');
    const value = boundary?.[1] ?? boundary?.[2];
    if (value) return redactSecretsInText(redactMultipart(text, value));
  }
  if (isXmlType(type)) return redactSecretsInText(redactXml(text));
  return redactSecretsInText(text);
}

const MAX_RECORD_DEPTH = 12;

function isHeaderList(value: unknown): value is Header[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as Header).name === 'string' &&
        typeof (item as Header).value === 'string',
    )
  );
}

/**
 * Walks a record: every header list is redacted as headers, every `url` / `…Url` string as a
 * URL, every other string for secret-shaped values. Whatever header lists and URLs an exchange
 * carries — now, or after the model grows (the headers as the client sent them, a rewritten
 * URL) — are covered without anyone having to remember this function.
 */
function redactRecord(value: unknown, key: string, depth: number): unknown {
  if (typeof value === 'string') {
    return key === 'url' || key.endsWith('Url') ? redactUrl(value) : redactSecretsInText(value);
  }
  if (value === null || typeof value !== 'object' || depth > MAX_RECORD_DEPTH) return value;
  if (isHeaderList(value)) return redactHeaders(value);
  if (Array.isArray(value)) return value.map((item) => redactRecord(item, key, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
    out[name] = redactRecord(inner, name, depth + 1);
  }
  return out;
}

/**
 * A copy of the exchange with its URLs, header lists and free-text fields (error messages)
 * redacted. Bodies are not part of an Exchange: they are redacted where they are written
 * (redactBodyText).
 */
export function redactExchange(exchange: Exchange): Exchange {
  return redactRecord(exchange, '', 0) as Exchange;
}
