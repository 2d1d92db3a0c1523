/**
 * The environment that points command-line clients at NetLens (`netlens env`, `netlens shell`,
 * `netlens env --docker`): which variables, with what value, and why each one.
 *
 * Two kinds of CA variable: those that ADD to a client's trust store get the NetLens CA alone
 * (NODE_EXTRA_CA_CERTS, DENO_CERT); those that REPLACE it get the bundle of the system roots
 * plus the NetLens CA (caBundle.ts), so HTTPS to hosts that bypass the proxy still verifies.
 */
import type { TerminalVariable } from '../../../../shared/terminal.js';
import { hostPort } from '../../../../shared/address.js';

export interface TerminalVariablesInput {
  /** The proxy URL, credentials included (`http://terminal%233@127.0.0.1:8899`). */
  proxyUrl: string;
  /** The NetLens CA certificate (PEM file), for variables that add to a trust store. */
  caCertPath: string;
  /** The bundle (system roots + NetLens CA), for variables that replace a trust store. */
  caBundlePath: string;
  /** NO_PROXY to set in both cases; undefined leaves the variables alone. */
  noProxy?: string;
  /** Set GLOBAL_AGENT_NO_PROXY to `noProxy` too (the user has no value of their own for it). */
  globalAgentNoProxy?: boolean;
}

/**
 * The variables NetLens sets, in the order printed. `netlens env --unset` removes these (the
 * NO_PROXY family excepted: that is the user's own value, kept).
 */
export const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'] as const;
export const ADDING_CA_VARIABLES = ['NODE_EXTRA_CA_CERTS', 'DENO_CERT'] as const;
export const REPLACING_CA_VARIABLES = [
  'SSL_CERT_FILE',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'GIT_SSL_CAINFO',
  'AWS_CA_BUNDLE',
  'CARGO_HTTP_CAINFO',
  'PIP_CERT',
] as const;
export const NO_PROXY_VARIABLES = ['NO_PROXY', 'no_proxy'] as const;

/** What `--unset` removes. */
export const UNSET_VARIABLES: readonly string[] = [
  ...PROXY_VARIABLES,
  'GLOBAL_AGENT_HTTP_PROXY',
  'GLOBAL_AGENT_HTTPS_PROXY',
  'NODE_USE_ENV_PROXY',
  ...ADDING_CA_VARIABLES,
  ...REPLACING_CA_VARIABLES,
];

const WHY: Record<string, string> = {
  HTTP_PROXY:
    'the proxy for http:// URLs (Go, Python, Ruby, Deno, .NET; Node 24.5+ and 22.21+ with NODE_USE_ENV_PROXY)',
  HTTPS_PROXY: 'the proxy for https:// URLs (curl, git, pip, cargo, Go, Python, Ruby, Deno…)',
  http_proxy:
    'lower case: curl and wget read only this one for http:// (curl ignores HTTP_PROXY, a CGI hazard)',
  https_proxy: 'lower case: the spelling some tools read first',
  NO_PROXY: 'your own list of hosts that bypass the proxy, kept as it was (both spellings agree)',
  no_proxy: 'your own list of hosts that bypass the proxy, kept as it was (both spellings agree)',
  NODE_USE_ENV_PROXY: 'Node 24.5+ and 22.21+: fetch, http and https honour HTTP(S)_PROXY and NO_PROXY',
  GLOBAL_AGENT_HTTP_PROXY: 'the global-agent package (`node -r global-agent/bootstrap`), for Node 20 and 22',
  GLOBAL_AGENT_HTTPS_PROXY: 'global-agent: the proxy for https:// requests',
  GLOBAL_AGENT_NO_PROXY: 'global-agent reads its own NO_PROXY: your NO_PROXY, so it bypasses the same hosts',
  NODE_EXTRA_CA_CERTS: "Node: trusts the NetLens CA in addition to Node's own roots",
  DENO_CERT: 'Deno: adds the NetLens CA to the roots it trusts',
  SSL_CERT_FILE:
    'OpenSSL-based clients (Python ssl/urllib, Ruby, PHP, Go on Linux, rustls-native-certs): replaces the default CA file',
  REQUESTS_CA_BUNDLE: 'Python requests: replaces its CA bundle (certifi)',
  CURL_CA_BUNDLE: "curl (and requests when REQUESTS_CA_BUNDLE is unset): replaces curl's CA bundle",
  GIT_SSL_CAINFO: "git over HTTPS: replaces git's CA file (http.sslCAInfo)",
  AWS_CA_BUNDLE: 'AWS CLI and SDKs: replaces their CA bundle',
  CARGO_HTTP_CAINFO: 'cargo: replaces its CA bundle (http.cainfo)',
  PIP_CERT: "pip: replaces pip's CA bundle (--cert)",
};

export function variableWhy(name: string): string {
  return WHY[name] ?? '';
}

export function terminalVariables(input: TerminalVariablesInput): TerminalVariable[] {
  const out: TerminalVariable[] = [];
  const add = (name: string, value: string): void => {
    out.push({ name, value, why: variableWhy(name) });
  };
  for (const name of PROXY_VARIABLES) add(name, input.proxyUrl);
  if (input.noProxy !== undefined) {
    for (const name of NO_PROXY_VARIABLES) add(name, input.noProxy);
  }
  add('NODE_USE_ENV_PROXY', '1');
  add('GLOBAL_AGENT_HTTP_PROXY', input.proxyUrl);
  add('GLOBAL_AGENT_HTTPS_PROXY', input.proxyUrl);
  if (input.noProxy !== undefined && input.globalAgentNoProxy) {
    const list = globalAgentNoProxy(input.noProxy);
    if (list !== '') add('GLOBAL_AGENT_NO_PROXY', list);
  }
  for (const name of ADDING_CA_VARIABLES) add(name, input.caCertPath);
  for (const name of REPLACING_CA_VARIABLES) add(name, input.caBundlePath);
  return out;
}

/**
 * The user's NO_PROXY, from either spelling (curl and Python read `no_proxy` first, so it wins),
 * unchanged. Undefined when neither is set or it is empty: then nothing is written and nothing
 * bypasses NetLens — not even localhost, as NetLens captures loopback traffic too.
 */
export function existingNoProxy(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.no_proxy !== undefined && env.no_proxy.trim() !== '' ? env.no_proxy : env.NO_PROXY;
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** A NO_PROXY list as global-agent accepts it: it rejects empty entries (`a,,b`, a trailing comma). */
export function globalAgentNoProxy(noProxy: string): string {
  const entries = noProxy
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return [...new Set(entries)].join(',');
}

/**
 * What a container must not send to the proxy: its own loopback is not the host's, and
 * NetLens would connect to the host's localhost instead.
 */
export const CONTAINER_NO_PROXY = 'localhost,127.0.0.1,::1';

export interface ProxyUrlParts {
  host: string;
  port: number;
  /** The user name: a source label such as `terminal#3`. */
  user?: string;
  /** The proxy's secret, when it asks for authentication. */
  password?: string;
}

/** `http://terminal%233:SECRET@127.0.0.1:8899`: user info percent-encoded (RFC 3986 §3.2.1). */
export function proxyUrlOf(parts: ProxyUrlParts): string {
  let userInfo = '';
  if (parts.user !== undefined || parts.password !== undefined) {
    userInfo = encodeURIComponent(parts.user ?? 'netlens');
    if (parts.password !== undefined) userInfo += `:${encodeURIComponent(parts.password)}`;
    userInfo += '@';
  }
  return `http://${userInfo}${hostPort(parts.host, parts.port)}`;
}
