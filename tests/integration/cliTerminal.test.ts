/**
 * `netlens shell` and `netlens env` as a user runs them: the built CLI as child processes, a
 * real `netlens proxy` in the same temporary data directory, and real clients started from the
 * configured shell — curl, Python requests, Node (global-agent, undici's EnvHttpProxyAgent,
 * NODE_USE_ENV_PROXY where the Node has it) and git over HTTPS against `git http-backend` —
 * all verifying TLS (never -k) and captured as `terminal#N`. The machine's roots are replaced by
 * the test PKI's root (NETLENS_SYSTEM_ROOTS), so the CA bundle = test root + NetLens CA and a
 * host in NO_PROXY, reached directly, still verifies.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import { makeBareRepository, serveGitHttp } from '@fixtures/gitSmartHttp.js';
import { readRunningFile } from '@engine/system/runningFile.js';
import { controlRequest } from '@cli/runningNetlens.js';
import { dockerBridgeAddress } from '@engine/system/terminal/dockerFlags.js';

const dockerBridge = (): string => dockerBridgeAddress() ?? '172.17.0.1';
import {
  buildCli,
  listening,
  root,
  runCli,
  spawnProxy,
  tempDir,
  type BuiltCli,
  type ProxyChild,
} from './cliHarness.js';

let cli: BuiltCli;
let work: string;
let pki: TestPki;
let rootsFile: string;
let dataDir: string;
let home: string;
let origin: https.Server;
let originPort: number;
let proxy: ProxyChild;
let proxyPort: number;
let python: string;

type Line = Record<string, unknown>;

/** A client the tests need: found, or the test fails saying what to install (never a silent skip). */
function requireTool(name: string, install: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`This test needs ${name}: install it (${install}).`);
  }
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  for (const [tool, install] of [
    ['curl', 'apt-get install curl'],
    ['git', 'apt-get install git'],
    ['bash', 'apt-get install bash'],
    ['dash', 'apt-get install dash'],
    ['zsh', 'apt-get install zsh'],
    ['fish', 'apt-get install fish'],
    ['script', 'apt-get install util-linux'],
  ] as const) {
    requireTool(tool, install);
  }
  python = execFileSync('python3', ['-c', 'import requests, sys; print(sys.executable)'], {
    encoding: 'utf8',
  }).trim();
  cli = await buildCli('terminal');
  work = tempDir('terminal');
  pki = makeTestPki();
  rootsFile = path.join(work, 'test-roots.pem');
  fs.writeFileSync(rootsFile, pki.ca.certPem);
  const gitRoot = path.join(work, 'git');
  fs.mkdirSync(gitRoot);
  makeBareRepository(gitRoot, 'repo', 'README', 'hello from git\n');
  origin = https.createServer(
    { key: pki.valid.keyPem, cert: pki.valid.certPem },
    (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url?.startsWith('/repo.git/')) {
        serveGitHttp(req, res, gitRoot);
        return;
      }
      req.resume();
      req.on('end', () => res.end(`hello ${req.url}`));
    },
  );
  originPort = await listen(origin);
  // A space in the data directory, as on macOS ("Application Support").
  dataDir = path.join(work, 'data dir');
  home = path.join(work, 'home');
  // Present, so fish's first interactive start does not generate completions from man pages in a
  // background process that outlives the test (and its temporary HOME).
  fs.mkdirSync(path.join(home, '.local', 'share', 'fish', 'generated_completions'), { recursive: true });
  proxy = spawnProxy(cli, ['--port', '0', '--data-dir', dataDir, '--json'], {
    ...process.env,
    NODE_EXTRA_CA_CERTS: rootsFile,
  });
  proxyPort = (await listening(proxy)).port;
});

afterAll(async () => {
  await proxy?.stop('SIGINT');
  origin?.closeAllConnections();
  await new Promise((resolve) => origin?.close(resolve));
  if (work) fs.rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  cli?.remove();
});

/** A clean environment such as a user's terminal has (none of the test runner's proxy settings). */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TERM: 'xterm',
    NETLENS_SYSTEM_ROOTS: rootsFile,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

function shell(args: string[], extra: NodeJS.ProcessEnv = {}) {
  return runCli(cli, ['--data-dir', dataDir, 'shell', ...args], { env: userEnv(extra), limitMs: 60_000 });
}

const url = (pathname: string, host = '127.0.0.1'): string => `https://${host}:${originPort}${pathname}`;

function captured(pathname: string): Promise<Line> {
  return proxy
    .waitForLine((line) => {
      if (!line.startsWith('{"type":"exchange"')) return false;
      return (JSON.parse(line) as Line).url === url(pathname);
    })
    .then((line) => JSON.parse(line) as Line);
}

function capturedLines(part: string): Line[] {
  return proxy.lines
    .filter((line) => line.startsWith('{"type":"exchange"'))
    .map((line) => JSON.parse(line) as Line)
    .filter((line) => String(line.url).includes(part));
}

describe('netlens shell: real clients are captured as terminal#N and verify TLS', () => {
  it('curl (CURL_CA_BUNDLE = the bundle, https_proxy = its own source port)', async () => {
    const result = await shell(['--', 'curl', '-sS', '--fail', url('/curl')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('hello /curl');
    const line = await captured('/curl');
    expect(line.status).toBe(200);
    expect(line.source).toMatch(/^terminal#\d+$/);
    expect((line.connection as Line).tlsProtocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('Python requests (REQUESTS_CA_BUNDLE)', async () => {
    const result = await shell([
      '--',
      python,
      '-c',
      `import requests; r = requests.get(${JSON.stringify(url('/python'))}, timeout=20); print(r.status_code, r.text)`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('200 hello /python');
    expect((await captured('/python')).source).toMatch(/^terminal#\d+$/);
  });

  it('Node 20 https with global-agent (GLOBAL_AGENT_HTTPS_PROXY, NODE_EXTRA_CA_CERTS)', async () => {
    const script = `require('https').get(${JSON.stringify(url('/node-global-agent'))}, (res) => {
      let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => console.log(res.statusCode, body));
    }).on('error', (e) => { console.error(e.message); process.exit(1); });`;
    const result = await shell(['--', process.execPath, '-r', 'global-agent/bootstrap', '-e', script]);
    expect(result.stdout.trim()).toBe('200 hello /node-global-agent');
    expect((await captured('/node-global-agent')).source).toMatch(/^terminal#\d+$/);
  });

  it("Node 20 fetch with undici's EnvHttpProxyAgent (HTTPS_PROXY, NODE_EXTRA_CA_CERTS)", async () => {
    const script = `import { EnvHttpProxyAgent, setGlobalDispatcher } from 'undici';
      setGlobalDispatcher(new EnvHttpProxyAgent());
      const res = await fetch(${JSON.stringify(url('/node-undici'))});
      console.log(res.status, await res.text());`;
    const result = await shell(['--', process.execPath, '--input-type=module', '-e', script]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('200 hello /node-undici');
    expect((await captured('/node-undici')).source).toMatch(/^terminal#\d+$/);
  });

  it('Node fetch with NODE_USE_ENV_PROXY=1 alone: captured on Node ≥ 24.5 / 22.21, direct (and failing TLS to the test root) before', async () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const supported = major > 24 || (major === 24 && minor >= 5) || (major === 22 && minor >= 21);
    const script = `try { const res = await fetch(${JSON.stringify(url('/node-env-proxy'))}); console.log(res.status, await res.text()); }
      catch (e) { console.log('failed', e.cause?.code ?? e.message); }`;
    const result = await shell(['--', process.execPath, '--input-type=module', '-e', script]);
    if (supported) {
      expect(result.stdout.trim()).toBe('200 hello /node-env-proxy');
      expect((await captured('/node-env-proxy')).source).toMatch(/^terminal#\d+$/);
    } else {
      // Node 20 ignores the variable: fetch goes straight to the origin, whose test root Node
      // does not trust (NODE_EXTRA_CA_CERTS holds the NetLens CA). Hence global-agent / undici.
      expect(result.stdout.trim()).toMatch(
        /^failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)/,
      );
    }
  });

  it('git ls-remote and git clone over HTTPS (GIT_SSL_CAINFO) against git http-backend', async () => {
    const remote = url('/repo.git');
    const listed = await shell(['--', 'git', 'ls-remote', remote]);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^[0-9a-f]{40}\tHEAD\n[0-9a-f]{40}\trefs\/heads\/main\n$/);
    const info = await captured('/repo.git/info/refs?service=git-upload-pack');
    expect(info.source).toMatch(/^terminal#\d+$/);
    expect(info.status).toBe(200);

    const target = path.join(work, 'clone');
    const cloned = await shell(['--', 'git', 'clone', '-q', remote, target]);
    expect(cloned.stderr).toBe('');
    expect(cloned.code).toBe(0);
    expect(fs.readFileSync(path.join(target, 'README'), 'utf8')).toBe('hello from git\n');
    const pack = await captured('/repo.git/git-upload-pack');
    expect(pack.method).toBe('POST');
    expect(pack.source).toMatch(/^terminal#\d+$/);
  });
});

describe('netlens shell: NO_PROXY, labels, exit', () => {
  it('keeps the user NO_PROXY, and a host in it is reached directly and still verifies through the bundle', async () => {
    const script = [
      'printf "%s|%s\\n" "$NO_PROXY" "$no_proxy"',
      `curl -sS --fail ${url('/direct-curl', 'localhost')}; echo`,
      `"${python}" -c 'import requests; print(requests.get("${url('/direct-python', 'localhost')}", timeout=20).text)'`,
      // The bundle is what makes this work: with the NetLens CA alone, verification fails.
      `CURL_CA_BUNDLE="$NODE_EXTRA_CA_CERTS" curl -sS ${url('/direct-ca-only', 'localhost')} 2>/dev/null; echo "ca-only exit $?"`,
      `curl -sS --fail ${url('/after-direct')}; echo`,
    ].join('\n');
    const result = await shell(['-c', script], { NO_PROXY: 'localhost,.internal.invalid' });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'localhost,.internal.invalid|localhost,.internal.invalid',
      'hello /direct-curl',
      'hello /direct-python',
      'ca-only exit 60',
      'hello /after-direct',
      '',
    ]);
    // The last request went through NetLens; by the time it is reported the direct ones would be too.
    expect((await captured('/after-direct')).source).toMatch(/^terminal#\d+$/);
    expect(capturedLines('/direct-')).toEqual([]);
  });

  it('gives every shell a label and a source port of its own, released when it exits', async () => {
    const first = await shell(['-c', 'printf "%s %s" "$NETLENS_SOURCE" "$HTTPS_PROXY"']);
    const second = await shell(['-c', 'printf "%s %s" "$NETLENS_SOURCE" "$HTTPS_PROXY"']);
    const [label1, proxy1] = first.stdout.split(' ');
    const [label2, proxy2] = second.stdout.split(' ');
    expect(label1).toMatch(/^terminal#\d+$/);
    expect(label2).toMatch(/^terminal#\d+$/);
    expect(label1).not.toBe(label2);
    expect(proxy1).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(proxy1).not.toBe(`http://127.0.0.1:${proxyPort}`);
    expect(proxy2).not.toBe(proxy1);
    const running = readRunningFile(dataDir).info!;
    const open = await controlRequest<{ source: string }[]>(running, 'GET', '/_netlens/sources');
    expect(open.map((source) => source.source)).not.toContain(label1);
    expect(open.map((source) => source.source)).not.toContain(label2);
  });

  it("returns the shell's exit code and leaves the parent shell untouched", async () => {
    expect((await shell(['-c', 'exit 7'])).code).toBe(7);
    const parent = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(
        '/bin/bash',
        [
          '-c',
          `"${process.execPath}" "${cli.runner}" --data-dir "${dataDir}" shell -c 'test -n "$HTTPS_PROXY"' && echo "inside ok"; echo "after=\${HTTPS_PROXY-unset} \${NETLENS_SOURCE-unset}"`,
        ],
        { env: userEnv(), cwd: root, timeout: 60_000 },
        (error, stdout) => resolve({ code: error ? 1 : 0, stdout }),
      );
    });
    expect(parent.code).toBe(0);
    expect(parent.stdout).toBe('inside ok\nafter=unset unset\n');
  });

  for (const [shellName, marker] of [
    ['bash', /\(netlens terminal#\d+\) /],
    ['zsh', /\(netlens terminal#\d+\) /],
    ['fish', /\(netlens terminal#\d+\) /],
    ['dash', /\(netlens terminal#\d+\) /],
  ] as const) {
    it(`shows the marker in an interactive ${shellName} prompt (a real terminal, through script(1))`, async () => {
      const shellPath = requireTool(shellName, `apt-get install ${shellName}`);
      // The user's own start-up file still runs before the marker is added.
      fs.writeFileSync(path.join(home, '.bashrc'), 'export FROM_BASHRC=yes\n');
      fs.writeFileSync(path.join(home, '.zshrc'), 'export FROM_ZSHRC=yes\n');
      const command = [process.execPath, cli.runner, '--data-dir', dataDir, 'shell', '--shell', shellPath]
        .map((word) => `'${word.replace(/'/g, `'\\''`)}'`)
        .join(' ');
      const output = await new Promise<string>((resolve, reject) => {
        const child = execFile(
          'script',
          ['-qec', command, '/dev/null'],
          { env: userEnv({ SHELL: shellPath }), cwd: root, timeout: 60_000 },
          (error, stdout) => (error && !stdout ? reject(error) : resolve(stdout)),
        );
        child.stdin!.end('echo "source=$NETLENS_SOURCE bashrc=$FROM_BASHRC zshrc=$FROM_ZSHRC"\nexit\n');
      });
      // eslint-disable-next-line no-control-regex
      const plain = output.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>()][A-Z0-9]?|\r/g, '');
      expect(plain).toMatch(marker);
      const label = /source=(terminal#\d+)/.exec(plain)?.[1];
      expect(label).toBeDefined();
      expect(plain).toContain(`(netlens ${label}) `);
      if (shellName === 'bash') expect(plain).toContain('bashrc=yes');
      if (shellName === 'zsh') expect(plain).toContain('zshrc=yes');
    });
  }
});

describe('netlens env', () => {
  it('evaluated by bash: curl is captured as terminal#N through proxy credentials on the main port', async () => {
    const script = `eval "$("${process.execPath}" "${cli.runner}" --data-dir "${dataDir}" env)" && curl -sS --fail ${url('/env-curl')}`;
    const result = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
      execFile(
        '/bin/bash',
        ['-c', script],
        { env: userEnv(), cwd: root, timeout: 60_000 },
        (_e, stdout, stderr) => resolve({ stdout, stderr }),
      ),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('hello /env-curl');
    expect((await captured('/env-curl')).source).toMatch(/^terminal#\d+$/);
  });

  it('writes paths with quotes, $, backticks, spaces and a newline so every real shell reads them back exactly', async () => {
    const hostile = path.join(work, `it's "$HOME" \`id\` $(id) a\nb`);
    const result = await runCli(
      cli,
      ['--data-dir', hostile, 'env', '--proxy', `127.0.0.1:${proxyPort}`, '--shell', 'sh'],
      {
        env: userEnv(),
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const fishResult = await runCli(
      cli,
      ['--data-dir', hostile, 'env', '--proxy', `127.0.0.1:${proxyPort}`, '--shell', 'fish'],
      { env: userEnv() },
    );
    expect(fishResult.code).toBe(0);
    const lines = { sh: result.stdout, fish: fishResult.stdout };
    fs.writeFileSync(path.join(work, 'env.sh'), lines.sh);
    fs.writeFileSync(path.join(work, 'env.fish'), lines.fish);
    const print = `"${process.execPath}" -e 'process.stdout.write(JSON.stringify([process.env.SSL_CERT_FILE, process.env.NODE_EXTRA_CA_CERTS]))'`;
    const runs: [string, string[]][] = [
      ['sh', ['-c', `eval "$(cat "$1")"; ${print}`, 'sh', path.join(work, 'env.sh')]],
      ['dash', ['-c', `eval "$(cat "$1")"; ${print}`, 'dash', path.join(work, 'env.sh')]],
      ['bash', ['-c', `eval "$(cat "$1")"; ${print}`, 'bash', path.join(work, 'env.sh')]],
      ['zsh', ['-c', `eval "$(cat "$1")"; ${print}`, 'zsh', path.join(work, 'env.sh')]],
      ['fish', ['-c', `cat ${path.join(work, 'env.fish')} | source; ${print}`]],
    ];
    for (const [shellName, args] of runs) {
      const out = execFileSync(requireTool(shellName, `apt-get install ${shellName}`), args, {
        env: userEnv(),
        encoding: 'utf8',
      });
      const [bundle, ca] = JSON.parse(out) as [string, string];
      expect(bundle, shellName).toBe(path.join(hostile, 'ca-bundle.pem'));
      expect(ca, shellName).toBe(path.join(hostile, 'ca', 'netlens-ca.pem'));
      expect(fs.existsSync(bundle), shellName).toBe(true);
    }
    // cmd cannot write a newline: a clear error, nothing half-printed.
    const cmd = await runCli(
      cli,
      ['--data-dir', hostile, 'env', '--proxy', `127.0.0.1:${proxyPort}`, '--shell', 'cmd'],
      {
        env: userEnv(),
      },
    );
    expect(cmd.code).toBe(1);
    expect(cmd.stdout).toBe('');
    expect(cmd.stderr).toMatch(/cmd cannot set; use --shell powershell/);
  });

  it('--docker prints one line of docker run flags and says, on stderr, that loopback is out of reach', async () => {
    const result = await runCli(cli, ['--data-dir', dataDir, 'env', '--docker'], { env: userEnv() });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    // The data directory has a space: that flag is quoted, the others are bare words.
    const ca = path.join(dataDir, 'ca', 'netlens-ca.pem');
    expect(lines[0]).toContain(`'--volume=${ca}:/netlens/netlens-ca.pem:ro'`);
    expect(lines[0]).toMatch(/ --env=HTTPS_PROXY=http:\/\/docker%23\d+@host\.docker\.internal:\d+ /);
    expect(lines[0]).toContain(' --env=NO_PROXY=localhost,127.0.0.1,::1 ');
    expect(result.stderr).toBe(
      `netlens: NetLens listens on 127.0.0.1:${proxyPort} only, which a container on Docker Engine cannot reach: ` +
        `start it with --host 0.0.0.0 (or --host ${dockerBridge()}, the docker0 bridge address) and run this again; ` +
        'it then asks for its password, which these flags carry.\n',
    );
    // What sh makes of the line is exactly the flag list (as `eval "docker run $(netlens env --docker) …"` sees it).
    const words = JSON.parse(
      execFileSync(
        '/bin/sh',
        [
          '-c',
          `node="$2"; eval "set -- $1"; "$node" -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "$@"`,
          'sh',
          lines[0]!,
          process.execPath,
        ],
        {
          encoding: 'utf8',
        },
      ),
    ) as string[];
    expect(words[0]).toBe('--add-host=host.docker.internal:host-gateway');
    expect(words[1]).toBe(`--volume=${ca}:/netlens/netlens-ca.pem:ro`);
    expect(words.filter((word) => word.startsWith('--env='))).toHaveLength(19);
  });

  it("--unset prints the lines that undo it (NO_PROXY, the user's, is kept)", async () => {
    const script = `eval "$("${process.execPath}" "${cli.runner}" --data-dir "${dataDir}" env)"; eval "$("${process.execPath}" "${cli.runner}" env --unset)"; env | grep -E '^(HTTPS?_PROXY|https?_proxy|SSL_CERT_FILE|NODE_EXTRA_CA_CERTS|GLOBAL_AGENT_HTTP_PROXY|NO_PROXY)=' | sort`;
    const out = execFileSync('/bin/bash', ['-c', script], {
      env: userEnv({ NO_PROXY: 'corp.invalid' }),
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toBe('NO_PROXY=corp.invalid\n');
  });
});

describe('bad input', () => {
  it('an unknown shell is a usage error', async () => {
    const result = await runCli(cli, ['--data-dir', dataDir, 'env', '--shell', 'tcsh'], { env: userEnv() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(
      'netlens: Unknown shell "tcsh" for --shell: use sh (also bash, zsh, dash, ksh), fish, powershell (pwsh) or cmd.',
    );
  });

  it('a proxy port nobody listens on: env and shell say so and start nothing', async () => {
    const port = await freePort();
    for (const command of [['env'], ['shell', '-c', 'echo started']]) {
      const result = await runCli(cli, ['--data-dir', dataDir, ...command, '--proxy', `127.0.0.1:${port}`], {
        env: userEnv(),
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe(
        `netlens: Nothing is listening on 127.0.0.1:${port}. Start NetLens first (\`netlens proxy\` or the app), or pass --proxy HOST:PORT.`,
      );
    }
  });

  it('a data directory that cannot be written', async () => {
    const file = path.join(work, 'a-file');
    fs.writeFileSync(file, 'not a directory');
    const result = await runCli(
      cli,
      ['--data-dir', path.join(file, 'data'), 'env', '--proxy', `127.0.0.1:${proxyPort}`],
      { env: userEnv() },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^netlens: Cannot write NetLens's files in .*a-file\/data: .*ENOTDIR/);
    expect(result.stderr).toMatch(/Check that the folder is writable, or pass --data-dir\.\n$/);
  });

  it('a shell or command that does not exist', async () => {
    const noShell = await shell(['--shell', '/nonexistent/zsh']);
    expect(noShell.code).toBe(1);
    expect(noShell.stderr.trim()).toBe(
      "netlens: Cannot start the shell /nonexistent/zsh: not found. Pass --shell with a shell's name or path.",
    );
    const noCommand = await shell(['--', 'netlens-no-such-program']);
    expect(noCommand.code).toBe(127);
    expect(noCommand.stderr.trim()).toBe(
      'netlens: Cannot run netlens-no-such-program: no such program on PATH.',
    );
  });
});
