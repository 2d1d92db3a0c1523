/**
 * Runs one of the OS's network tools (ping, traceroute, tracepath, tracert) with a hard time
 * limit. A missing tool is a MissingToolError that names it and how to install it.
 */
import { spawn } from 'node:child_process';

export class MissingToolError extends Error {
  override name = 'MissingToolError';
  constructor(
    readonly tools: string[],
    hint: string,
  ) {
    super(
      `${tools.map((t) => `\`${t}\``).join(' / ')} ${tools.length > 1 ? 'are' : 'is'} not installed or not on PATH. ${hint}`,
    );
  }
}

export interface ToolOutput {
  stdout: string;
  stderr: string;
  /** Exit code; undefined when killed by the time limit. */
  code: number | undefined;
  timedOut: boolean;
}

const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Rejects with an ENOENT-coded error when the tool does not exist. `onStdout` hears the output
 * so far after each chunk (ping's replies as they come).
 */
export function runTool(
  command: string,
  args: string[],
  timeoutMs: number,
  onStdout?: (stdoutSoFar: string) => void,
): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const append = (current: string, chunk: Buffer) =>
      current.length > MAX_OUTPUT_BYTES ? current : current + chunk.toString('utf8');
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = append(stdout, chunk);
      onStdout?.(stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = append(stderr, chunk)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT'); // ping and traceroute print their summary on SIGINT
      setTimeout(() => child.kill('SIGKILL'), 1000).unref();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? undefined, timedOut });
    });
  });
}

export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/**
 * A host name or IP as a system tool's argument. Anything else is refused, in particular a
 * leading `-`, which the tool would read as an option (the tools run without a shell, but an
 * argument is still an argument).
 */
export function isSafeHostArgument(host: string): boolean {
  return host.length > 0 && host.length <= 253 && !host.startsWith('-') && /^[A-Za-z0-9._:%-]+$/.test(host);
}
