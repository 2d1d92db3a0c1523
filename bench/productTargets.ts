/**
 * The benchmark's product targets: NetLens as users run it, each its own `netlens` process
 * started from bin/netlens.js (the built CLI bundle):
 *   proxy       `netlens proxy`, its terse line per exchange written to a file (stdout redirected)
 *   proxy-json  `netlens proxy --json`, one NDJSON line per exchange to a file
 *   web         `netlens web`, with a UI client connected over the UI's WebSocket (/api, token and
 *               Origin as the page sends them) that receives and parses every event batch
 * Each gets its own data directory holding a copy of the same NetLens CA, so the client trusts
 * every target with one CA and no two NetLens processes share a data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';

export type ProductTargetName = 'proxy' | 'proxy-json' | 'web';
export const PRODUCT_TARGET_NAMES: ProductTargetName[] = ['proxy', 'proxy-json', 'web'];

export interface ProductTarget {
  name: ProductTargetName;
  process: ChildProcess;
  pid: number;
  /** The capture proxy's port. */
  port: number;
  /** Where its stdout goes. */
  outputFile: string;
  /** For `web`: what the connected UI client has received so far. */
  uiClient?: { batches: number; events: number; closedWith?: string };
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/** Polls the output file until `pattern` matches (bounded). */
async function waitForOutput(
  file: string,
  pattern: RegExp,
  child: ChildProcess,
  stderr: () => string,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const match = pattern.exec(readFileSync(file, 'utf8'));
    if (match) return match;
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before it listened: ${stderr()}`);
    if (Date.now() > deadline) throw new Error(`did not listen within ${START_TIMEOUT_MS} ms: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function connectUiClient(uiUrl: string): Promise<NonNullable<ProductTarget['uiClient']> & { close(): void }> {
  const url = new URL(uiUrl);
  const token = url.searchParams.get('token') ?? '';
  const socket = new WebSocket(`ws://${url.host}/api?token=${encodeURIComponent(token)}`, {
    headers: { Origin: url.origin },
  });
  const client = {
    batches: 0,
    events: 0,
    closedWith: undefined as string | undefined,
    close: () => socket.close(),
  };
  socket.on('message', (data) => {
    // What the page does with every batch: parse it and count what it carries.
    const message = JSON.parse(String(data)) as { type?: string; events?: unknown[] };
    if (message.type === 'events' && Array.isArray(message.events)) {
      client.batches += 1;
      client.events += message.events.length;
    }
  });
  socket.on('close', (code, reason) => (client.closedWith ??= `${code} ${String(reason)}`));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
  });
}

export async function startProductTarget(options: {
  name: ProductTargetName;
  root: string;
  work: string;
  /** A data directory holding the NetLens CA, copied for this target. */
  caHome: string;
  env: NodeJS.ProcessEnv;
  nodeFlags: string[];
  /** More `netlens` options (`--max-exchanges N`). */
  extraArgs?: string[];
}): Promise<ProductTarget> {
  const { name, root, work } = options;
  const dataDir = path.join(work, `data-${name}`);
  cpSync(options.caHome, dataDir, { recursive: true });
  const outputFile = path.join(work, `${name}.out`);
  const fd = openSync(outputFile, 'w');
  const args =
    name === 'web'
      ? ['web', '--port', '0', '--proxy-port', '0']
      : ['proxy', '--port', '0', ...(name === 'proxy-json' ? ['--json'] : [])];
  args.push(...(options.extraArgs ?? []));
  const child = spawn(
    process.execPath,
    [...options.nodeFlags, path.join(root, 'bin', 'netlens.js'), ...args, '--data-dir', dataDir],
    { cwd: root, env: options.env, stdio: ['ignore', fd, 'pipe'] },
  );
  closeSync(fd);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const listening =
      name === 'proxy-json'
        ? /"type":"listening","proxy":"http:\/\/127\.0\.0\.1:(\d+)"/
        : /listening on http:\/\/127\.0\.0\.1:(\d+)/;
    const port = Number((await waitForOutput(outputFile, listening, child, () => stderr))[1]);
    const target: ProductTarget = { name, process: child, pid: child.pid!, port, outputFile, stop };
    if (name === 'web') {
      const ui = await waitForOutput(outputFile, /NetLens UI at (\S+)/, child, () => stderr);
      const client = await connectUiClient(ui[1]!);
      target.uiClient = client;
      target.stop = async () => {
        client.close();
        await stop();
      };
    }
    return target;
  } catch (error) {
    await stop();
    throw new Error(`netlens ${name}: ${(error as Error).message}`);
  }
}
