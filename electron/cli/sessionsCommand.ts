/**
 * `netlens sessions list [--json] | export ID [--har FILE] [--redact] | rm ID` (docs/sessions.md):
 * the captures saved in the data directory. Reading them needs no engine: no CA, no proxy, no
 * new session.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { SessionSummary } from '../../shared/session.js';
import { formatBytes } from '../../shared/format.js';
import { EXIT_USAGE } from '../../shared/errors.js';
import { CliError } from './cliError.js';
import { flush } from './lineWriter.js';

/** One line of `sessions list --json` (DESIGN.md, Sessions): a contract for scripts. */
export interface SessionListLine {
  id: string;
  startedAt: string;
  endedAt?: string;
  exchanges: number;
  bytes: number;
}

export function sessionListLine(session: SessionSummary): SessionListLine {
  return {
    id: session.id,
    startedAt: new Date(session.startedAtMs).toISOString(),
    ...(session.endedAtMs !== undefined ? { endedAt: new Date(session.endedAtMs).toISOString() } : {}),
    exchanges: session.exchanges,
    bytes: session.bytes,
  };
}

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatSessions(sessions: readonly SessionSummary[]): string {
  if (sessions.length === 0)
    return 'No saved sessions yet: `netlens proxy` and `netlens web` record one each run.';
  const rows = sessions.map((s) => [
    s.id,
    clock(s.startedAtMs),
    s.endedAtMs !== undefined ? clock(s.endedAtMs) : s.live ? 'recording' : 'not closed (crashed?)',
    String(s.exchanges) + (s.droppedExchanges ? ` (+${s.droppedExchanges} dropped)` : ''),
    formatBytes(s.bytes),
  ]);
  const head = ['ID', 'STARTED', 'ENDED', 'EXCHANGES', 'SIZE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

interface SessionsFlags {
  dataDir?: string;
  json?: boolean;
  har?: string;
  redact?: boolean;
  force?: boolean;
}

async function dataDirOf(flags: SessionsFlags): Promise<string> {
  const { resolveDataDir } = await import('../engine/system/dataDir.js');
  return resolveDataDir(flags.dataDir);
}

/** Refuses to overwrite a file (unless --force) or to write where no file can be. */
async function checkExportTarget(file: string, force: boolean): Promise<void> {
  const { stat, access } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new CliError(`Cannot write the HAR to ${file}: it is a folder; give a file name.`, EXIT_USAGE);
  }
  if (existing && !force) {
    throw new CliError(
      `${file} exists already; pass --force to replace it, or choose another name.`,
      EXIT_USAGE,
    );
  }
  const dir = path.dirname(file);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new CliError(
      `Cannot write the HAR to ${file}: the folder ${dir} does not exist or is not writable.`,
      EXIT_USAGE,
    );
  }
}

/** Errors of the catalog (unknown id, a session in use) as one-line CLI errors. */
function cliError(error: unknown): CliError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code !== 'not_found' && code !== 'session_in_use' && code !== 'session_unreadable') {
    return new CliError(`Cannot read the sessions: ${message}`, 1, { cause: error });
  }
  return new CliError(message, code === 'not_found' ? EXIT_USAGE : 1, { cause: error });
}

export async function exportSession(
  dataDir: string,
  id: string,
  options: { har?: string; redact: boolean; force?: boolean },
  err: (line: string) => void,
): Promise<number> {
  const [
    { findSession },
    { writeSessionHar },
    { writeFileAtomically },
    { ENGINE_VERSION },
    { protoFilesGrpcHarMessages },
    { readProtoFiles },
  ] = await Promise.all([
    import('../engine/capture/session/sessionCatalog.js'),
    import('../engine/capture/session/sessionHar.js'),
    import('../engine/system/atomicFileWrite.js'),
    import('../engine/engine.js'),
    import('../engine/analysis/grpcHarMessages.js'),
    import('../engine/system/protoFiles.js'),
  ]);
  const entry = await findSession(dataDir, id).catch((error: unknown) => {
    throw cliError(error);
  });
  const settings = {
    redact: options.redact,
    creatorVersion: ENGINE_VERSION,
    onProblem: (message: string) => err(`netlens: warning: ${message}`),
    // gRPC messages named by the .proto files the app loaded (no server is asked from here).
    grpcMessages: protoFilesGrpcHarMessages(await readProtoFiles(dataDir).catch(() => [])),
  };
  if (options.har) {
    const file = path.resolve(options.har);
    await checkExportTarget(file, options.force === true);
    let count = 0;
    try {
      await writeFileAtomically(file, async (handle) => {
        // Batched: one write per ~1 MiB, not one per entry.
        let batch = '';
        count = await writeSessionHar(
          entry.dir,
          async (text) => {
            batch += text;
            if (batch.length >= 1024 * 1024) {
              await handle.write(batch);
              batch = '';
            }
          },
          settings,
        );
        if (batch !== '') await handle.write(batch);
      });
    } catch (error) {
      throw new CliError(
        `Cannot write the HAR to ${file}: ${error instanceof Error ? error.message : String(error)}`,
        1,
        { cause: error },
      );
    }
    err(`Wrote ${count} entries of session ${id} to ${file}`);
    return count;
  }
  return writeSessionHar(
    entry.dir,
    (text) =>
      new Promise<void>((resolve, reject) => {
        if (process.stdout.write(text)) resolve();
        else process.stdout.once('drain', resolve).once('error', reject);
      }),
    settings,
  );
}

export function registerSessionsCommand(program: Command): void {
  const sessions = program
    .command('sessions')
    .description('list, export and remove the capture sessions saved in the data directory');
  sessions
    .command('list')
    .description('the saved sessions, newest first')
    .option('--json', 'print as JSON: [{id, startedAt, endedAt?, exchanges, bytes}]')
    .action(async (_flags: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<SessionsFlags>();
      const { listSessions } = await import('../engine/capture/session/sessionCatalog.js');
      const list = await listSessions(await dataDirOf(flags));
      process.stdout.write(
        flags.json ? `${JSON.stringify(list.map(sessionListLine), null, 2)}\n` : `${formatSessions(list)}\n`,
      );
      await flush(process.stdout);
    });
  sessions
    .command('export')
    .description('write a saved session as HAR 1.2 (to FILE, or to stdout)')
    .argument('<id>', 'the session (netlens sessions list shows them)')
    .option('--har <file>', 'write to FILE instead of stdout')
    .option('--redact', 'hide secrets (Authorization, cookies, tokens, keys)')
    .option('--force', 'replace FILE if it exists')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<SessionsFlags>();
      await exportSession(
        await dataDirOf(flags),
        id,
        {
          ...(flags.har ? { har: flags.har } : {}),
          redact: flags.redact === true,
          force: flags.force === true,
        },
        (line) => process.stderr.write(`${line}\n`),
      );
      await flush(process.stdout);
    });
  sessions
    .command('rm')
    .description('remove a saved session from the disk')
    .argument('<id>', 'the session (netlens sessions list shows them)')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<SessionsFlags>();
      const { removeSession } = await import('../engine/capture/session/sessionCatalog.js');
      await removeSession(await dataDirOf(flags), id).catch((error: unknown) => {
        throw cliError(error);
      });
      process.stderr.write(`Removed session ${id}.\n`);
    });
}
