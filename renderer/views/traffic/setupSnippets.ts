/** The "send traffic through NetLens" snippets of the empty state, as data (tested apart from the view). */

export interface SetupSnippet {
  id: string;
  title: string;
  code: string;
  note?: string;
}

function posixQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function setupSnippets(proxyUrl: string, caCertPath: string): SetupSnippet[] {
  const ca = posixQuote(caCertPath);
  return [
    {
      id: 'curl',
      title: 'curl',
      code: `curl -x ${proxyUrl} --cacert ${ca} https://example.com/`,
    },
    {
      id: 'python',
      title: 'Python (requests)',
      code: [
        `export HTTPS_PROXY=${proxyUrl} HTTP_PROXY=${proxyUrl}`,
        `export REQUESTS_CA_BUNDLE=${ca}`,
        `python3 -c "import requests; print(requests.get('https://example.com/').status_code)"`,
      ].join('\n'),
      note: 'requests reads HTTP(S)_PROXY and REQUESTS_CA_BUNDLE from the environment.',
    },
    {
      id: 'node',
      title: 'Node.js',
      code: [
        `export HTTPS_PROXY=${proxyUrl} HTTP_PROXY=${proxyUrl}`,
        `export NODE_EXTRA_CA_CERTS=${ca}`,
        `export NODE_USE_ENV_PROXY=1   # Node 22.21+ and 24.5+: fetch, http and https use HTTP(S)_PROXY`,
        `node app.js`,
      ].join('\n'),
      note:
        "On older Node, fetch ignores HTTPS_PROXY: in code, `import { setGlobalDispatcher, ProxyAgent } from 'undici'; " +
        `setGlobalDispatcher(new ProxyAgent('${proxyUrl}'))\`. NODE_EXTRA_CA_CERTS is read at start-up.`,
    },
    {
      id: 'chromium',
      title: 'Chromium / Chrome',
      code: [
        `SPKI=$(openssl x509 -in ${ca} -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)`,
        `chromium --proxy-server=${proxyUrl} '--proxy-bypass-list=<-loopback>' --ignore-certificate-errors-spki-list="$SPKI" --user-data-dir="$(mktemp -d)" --no-first-run`,
      ].join('\n'),
      note:
        'A throw-away profile, so your everyday browser keeps its settings; <-loopback> sends localhost through NetLens too. ' +
        'Use google-chrome, microsoft-edge or brave-browser the same way. With the netlens command, `netlens browser` does all of this.',
    },
    {
      id: 'firefox',
      title: 'Firefox',
      code: [
        `Settings → Network Settings → Manual proxy configuration:`,
        `  HTTP Proxy ${hostPort(proxyUrl)}, and tick "Also use this proxy for HTTPS"`,
        `Settings → Privacy & Security → Certificates → View Certificates → Authorities → Import…`,
        `  ${caCertPath}  (trust it to identify websites)`,
        `about:config → network.proxy.allow_hijacking_localhost = true  (to capture localhost too)`,
      ].join('\n'),
      note: 'With the netlens command, `netlens browser --browser firefox` opens Firefox in a throw-away profile set up this way.',
    },
  ];
}

function hostPort(proxyUrl: string): string {
  try {
    const url = new URL(proxyUrl);
    return `${url.hostname} port ${url.port || '80'}`;
  } catch {
    return proxyUrl;
  }
}
