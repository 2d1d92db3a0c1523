/**
 * The first run of the desktop app: Electron's binary is not part of `npm install` (the electron
 * package downloads it on demand), so `netlens` fetches it with Electron's own tools when it is
 * missing. @electron/get downloads the release zip into its cache, checked against the checksums
 * the electron package ships, with our progress line and a stall timeout; then the electron
 * package's own install script extracts it from that cache. Electron's own variables apply
 * (ELECTRON_MIRROR, electron_config_cache, ELECTRON_GET_USE_PROXY, ...).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatBytes, formatDurationMs } from '../../shared/format.js';

/** No byte for this long (connecting included): the download is given up. */
export const DOWNLOAD_STALL_TIMEOUT_MS = 30_000;
const ANNOUNCE_AFTER_MS = 1_000;
/** Extracting a ~100 MB zip from the cache. */
const EXTRACT_TIMEOUT_MS = 120_000;

export interface DownloadProgress {
  transferredBytes: number;
  totalBytes: number | undefined;
}

export interface ElectronDownloadOptions {
  /** node_modules/electron of the NetLens package. */
  electronDir: string;
  /** Where the progress line goes (stderr: stdout stays for the URL lines of web mode). */
  progress?: (line: string, done: boolean) => void;
  stallTimeoutMs?: number;
  /** @electron/get's cache (default: electron_config_cache, else its own per-user cache). */
  cacheRoot?: string;
}

type DownloadArtifact = (details: {
  version: string;
  artifactName: string;
  platform: string;
  arch: string;
  cacheRoot?: string;
  checksums?: Record<string, string>;
  downloadOptions?: Record<string, unknown>;
}) => Promise<string>;

/** `Downloading Electron 45.4.1: 35% (36.2 MB of 103.4 MB)`. */
export function progressLine(version: string, progress: DownloadProgress): string {
  const { transferredBytes, totalBytes } = progress;
  if (totalBytes === undefined || totalBytes === 0)
    return `Downloading Electron ${version}: ${formatBytes(transferredBytes)}`;
  const percent = Math.floor((transferredBytes / totalBytes) * 100);
  return `Downloading Electron ${version}: ${percent}% (${formatBytes(transferredBytes)} of ${formatBytes(totalBytes)})`;
}

/** A progress printer: one line rewritten in place on a terminal, every 10% otherwise. */
export function stderrProgress(
  stream: NodeJS.WriteStream = process.stderr,
): (line: string, done: boolean) => void {
  let lastTenth = -1;
  return (line, done) => {
    if (stream.isTTY) {
      stream.write(`\r${line}\x1b[K${done ? '\n' : ''}`);
      return;
    }
    const percent = /: (\d+)%/.exec(line)?.[1];
    const tenth = percent === undefined ? -1 : Math.floor(Number(percent) / 10);
    if (done || tenth > lastTenth) {
      lastTenth = tenth;
      stream.write(`${line}\n`);
    }
  };
}

function installScriptEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Our line already showed progress; the install script's own bar would only repeat it.
  return { ...env, ELECTRON_GET_NO_PROGRESS: '1' };
}

/** Runs the electron package's install.js (it finds the zip in the cache and extracts it). */
function runInstallScript(electronDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(electronDir, 'install.js')], {
      cwd: electronDir,
      env: installScriptEnv(env),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), EXTRACT_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      // The script prints a stack; its first line says what went wrong.
      const first = stderr.trim().split('\n')[0] ?? '';
      reject(
        new Error(first || (signal ? `extraction stopped (${signal})` : `extraction failed (exit ${code})`)),
      );
    });
  });
}

/** Why a download failed, in a few words (fetch wraps the socket's reason in `cause`). */
export function downloadFailureReason(error: unknown, stallTimeoutMs: number): string {
  if (error instanceof Error && error.name === 'AbortError')
    return `no data for ${formatDurationMs(stallTimeoutMs)}`;
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (cause?.code) return `${message}: ${cause.code}`;
  return message.split('\n')[0] ?? message;
}

/**
 * Downloads and installs Electron's binary into `electronDir`. Resolves when it is in place;
 * rejects with an Error whose message is one short reason (offline, HTTP 404, checksum, stalled).
 */
export async function downloadElectron(options: ElectronDownloadOptions): Promise<void> {
  // @electron/get reads its variables (ELECTRON_MIRROR...) from process.env itself.
  const env = process.env;
  const stallTimeoutMs = options.stallTimeoutMs ?? DOWNLOAD_STALL_TIMEOUT_MS;
  const manifest = JSON.parse(readFileSync(path.join(options.electronDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  // Resolved from the electron package, as its install script resolves it.
  const requireFromElectron = createRequire(path.join(options.electronDir, 'package.json'));
  const getModule = (await import(pathToFileURL(requireFromElectron.resolve('@electron/get')).href)) as {
    downloadArtifact: DownloadArtifact;
  };
  const useRemoteChecksums =
    env.electron_use_remote_checksums !== undefined ||
    env.npm_config_electron_use_remote_checksums !== undefined;
  const checksums = useRemoteChecksums
    ? undefined
    : (JSON.parse(readFileSync(path.join(options.electronDir, 'checksums.json'), 'utf8')) as Record<
        string,
        string
      >);

  const controller = new AbortController();
  let stallTimer = setTimeout(() => controller.abort(), stallTimeoutMs);
  // Said only once the download is under way or slow to start: offline, the one line that
  // says web mode is coming is all the user sees.
  const announce = setTimeout(
    () =>
      options.progress?.(`Downloading Electron ${manifest.version} (first run of the desktop app)…`, false),
    ANNOUNCE_AFTER_MS,
  );
  const progress = (update: DownloadProgress) => {
    clearTimeout(announce);
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => controller.abort(), stallTimeoutMs);
    options.progress?.(progressLine(manifest.version, update), false);
  };
  let last: DownloadProgress = { transferredBytes: 0, totalBytes: undefined };
  try {
    await getModule.downloadArtifact({
      version: manifest.version,
      artifactName: 'electron',
      platform: env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform,
      arch: env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch,
      ...((options.cacheRoot ?? env.electron_config_cache)
        ? { cacheRoot: options.cacheRoot ?? env.electron_config_cache }
        : {}),
      ...(checksums ? { checksums } : {}),
      downloadOptions: {
        quiet: true,
        signal: controller.signal,
        getProgressCallback: (p: { transferred: number; total: number | null }) => {
          last = { transferredBytes: p.transferred, totalBytes: p.total ?? undefined };
          progress(last);
        },
      },
    });
  } catch (error) {
    throw new Error(downloadFailureReason(error, stallTimeoutMs), { cause: error });
  } finally {
    clearTimeout(stallTimer);
    clearTimeout(announce);
  }
  options.progress?.(
    progressLine(manifest.version, { ...last, transferredBytes: last.totalBytes ?? last.transferredBytes }),
    true,
  );
  await runInstallScript(options.electronDir, env);
}
