/**
 * `netlens system-proxy on [--proxy HOST:PORT] [--pac] [--dry-run] | off [--dry-run] | status
 * [--json]` (docs/system-proxy.md). The OS proxy is owned by a running NetLens: `on` asks the
 * data directory's running NetLens (running.json, control route POST /_netlens/system-proxy),
 * which points the OS at its `system` listener, keeps the journal and restores on exit. With
 * `--proxy HOST:PORT` of another proxy that is listening, the OS is pointed there until `off`.
 * With neither, `on` refuses: a system proxy pointing at nothing would cut the machine off.
 * Every subcommand first restores a setting left by a NetLens that died, and says so.
 */
import type { Command } from 'commander';
import type { SystemProxyState } from '../../shared/systemProxy.js';
import { EXIT_USAGE } from '../../shared/errors.js';
import { readRunningFile, type RunningInfo, type RunningLookup } from '../engine/system/runningFile.js';
import {
  formatCommand,
  realEnvironment,
  type SystemCommand,
  type SystemProxyEnvironment,
} from '../engine/system/systemProxy/systemCommand.js';
import { SystemProxyError } from '../engine/system/systemProxy/systemProxyError.js';
import {
  lookupJournal,
  ownedByAnotherLiveProcess,
  planTurnOff,
  planTurnOn,
  readState,
  recoverSystemProxy,
  turnOff,
  turnOn,
  type DryRun,
} from '../engine/system/systemProxy/systemProxyService.js';
import { SYSTEM_PROXY_ROUTE } from '../engine/system/systemProxy/systemProxyControlRoutes.js';
import { isTcpListening } from '../engine/system/systemProxy/tcpListening.js';
import { localTime } from '../engine/system/systemProxy/localTime.js';
import { CliError } from './cliError.js';
import { controlRequest, parseProxyFlag } from './runningNetlens.js';

export interface SystemProxyCommandDeps {
  dataDir: string;
  environment: SystemProxyEnvironment;
  out(line: string): void;
  err(line: string): void;
  running(dataDir: string): RunningLookup;
  control<T>(running: RunningInfo, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  isListening(host: string, port: number): Promise<boolean>;
}

interface ChangeAnswer {
  state: SystemProxyState;
  message: string;
  warnings: string[];
}

function ctxOf(deps: SystemProxyCommandDeps) {
  return { dataDir: deps.dataDir, environment: deps.environment };
}

function asCliError(error: unknown): unknown {
  if (error instanceof SystemProxyError) return new CliError(error.message, 1, { cause: error });
  return error;
}

/** Crash recovery first: a setting left by a NetLens that died is given back. */
async function recover(deps: SystemProxyCommandDeps): Promise<void> {
  const recovery = await recoverSystemProxy(ctxOf(deps));
  if (recovery) deps.err(`netlens: ${recovery.level === 'warning' ? 'warning: ' : ''}${recovery.message}`);
}

function printWarnings(deps: SystemProxyCommandDeps, warnings: readonly string[] | undefined): void {
  for (const warning of warnings ?? []) deps.err(`netlens: warning: ${warning}`);
}

async function askRunning<T>(
  deps: SystemProxyCommandDeps,
  running: RunningInfo,
  method: 'GET' | 'POST',
  body?: unknown,
): Promise<T> {
  try {
    return await deps.control<T>(running, method, SYSTEM_PROXY_ROUTE, body);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') throw new CliError((error as Error).message, 1, { cause: error });
    throw new CliError(
      `The running NetLens (pid ${running.pid}, ${running.proxy}) did not answer: ${(error as Error).message}. Is it still running?`,
      1,
      { cause: error },
    );
  }
}

// ───────────────────────────── output ─────────────────────────────

/** The command lines of a dry run; PowerShell's encoded script is shown decoded beside it. */
export function dryRunLines(plan: DryRun, what: 'on' | 'off'): string[] {
  const lines: string[] = [];
  const commands = (list: SystemCommand[]): void => {
    for (const command of list) {
      lines.push(formatCommand(command, plan.platform));
      const encoded = command.args.indexOf('-EncodedCommand');
      if (encoded !== -1 && command.args[encoded + 1]) {
        lines.push(
          `#   (the script: ${Buffer.from(command.args[encoded + 1]!, 'base64').toString('utf16le')})`,
        );
      }
    }
  };
  if (what === 'on') {
    lines.push(`# ${plan.backendLabel}: \`netlens system-proxy on\` would run:`);
    if (plan.apply.length === 0) lines.push('#   nothing: the setting already is that');
    commands(plan.apply);
    lines.push('# and `netlens system-proxy off` would then give the current setting back with:');
  } else {
    lines.push(`# ${plan.backendLabel}: \`netlens system-proxy off\` would run:`);
  }
  if (plan.restore.length === 0) lines.push('#   nothing');
  commands(plan.restore);
  return lines;
}

function ownerLine(state: SystemProxyState): string {
  const owner = state.owner!;
  const who = owner.pid === undefined ? owner.name : `${owner.name} (pid ${owner.pid})`;
  const where =
    state.mode === 'pac' ? `PAC ${state.pacUrl} naming ${state.proxyUrl}` : `manual, to ${state.proxyUrl}`;
  const until =
    owner.pid === undefined
      ? ' It stays until `netlens system-proxy off`.'
      : ' It is restored when that process stops.';
  return `Set by:       ${who} since ${localTime(owner.sinceMs)}, ${where}.${until}`;
}

export function statusLines(state: SystemProxyState): string[] {
  if (!state.backend) return [`System proxy: not supported here. ${state.unsupportedReason ?? ''}`.trim()];
  const lines = [`System proxy: ${state.backendLabel ?? state.backend}`, `Now:          ${state.current}`];
  if (state.active && state.owner) {
    lines.push(ownerLine(state));
    lines.push(`Off restores: ${state.restore ?? 'the previous setting'}`);
  } else {
    lines.push('NetLens has not set it.');
  }
  return lines;
}

// ───────────────────────────── on ─────────────────────────────

export interface OnFlags {
  proxy?: string;
  pac?: boolean;
  dryRun?: boolean;
}

export async function runSystemProxyOn(flags: OnFlags, deps: SystemProxyCommandDeps): Promise<number> {
  await recover(deps);
  const target = flags.proxy !== undefined ? parseProxyFlag(flags.proxy) : undefined;
  const lookup = deps.running(deps.dataDir);
  const running = runningFor(lookup, target);
  if (running) {
    const body = { on: true, pac: flags.pac === true, ...(flags.dryRun ? { dryRun: true } : {}) };
    if (flags.dryRun) {
      const plan = await askRunning<DryRun>(deps, running, 'POST', body);
      for (const line of dryRunLines(plan, 'on')) deps.out(line);
      return 0;
    }
    const answer = await askRunning<ChangeAnswer>(deps, running, 'POST', body);
    deps.out(answer.message);
    printWarnings(deps, answer.warnings);
    return 0;
  }
  if (!target) {
    const stale = lookup.problem ? ` (${lookup.problem})` : '';
    throw new CliError(
      `No NetLens is running for ${deps.dataDir}${stale}. Start one that sets the system proxy while it runs: \`netlens proxy --system-proxy\` (or the app's toggle), or point the OS at a proxy that is listening: \`netlens system-proxy on --proxy HOST:PORT\`.`,
      1,
    );
  }
  if (flags.pac) {
    throw new CliError(
      `--pac needs a running NetLens to serve the PAC file, and ${target.host}:${target.port} is not the NetLens of ${deps.dataDir}. Start \`netlens proxy --system-proxy pac\` instead.`,
      EXIT_USAGE,
    );
  }
  if (!(await deps.isListening(target.host, target.port))) {
    throw new CliError(
      `Nothing listens on ${target.host}:${target.port}: pointing the OS there would cut this machine off. Start the proxy first (\`netlens proxy\`), or check --proxy.`,
      1,
    );
  }
  const proxyTarget = { mode: 'manual' as const, host: target.host, port: target.port };
  const existing = lookupJournal(deps.dataDir);
  if (existing.problem) throw new CliError(existing.problem, 1);
  if (existing.journal) {
    const owner = existing.journal.owner;
    throw new CliError(
      `The system proxy is already set by ${owner.name}${owner.pid !== undefined ? ` (pid ${owner.pid})` : ''}; run \`netlens system-proxy off\` first.`,
      1,
    );
  }
  try {
    if (flags.dryRun) {
      for (const line of dryRunLines(await planTurnOn(ctxOf(deps), proxyTarget), 'on')) deps.out(line);
      return 0;
    }
    const result = await turnOn(ctxOf(deps), {
      target: proxyTarget,
      proxy: target,
      owner: { name: 'netlens system-proxy on --proxy' },
    });
    const state = await readState(ctxOf(deps));
    deps.out(
      `System proxy set (${result.backend.label}): ${state.current}. It stays until \`netlens system-proxy off\`, which restores: ${state.restore ?? 'the previous setting'}.`,
    );
    printWarnings(deps, result.warnings);
    return 0;
  } catch (error) {
    throw asCliError(error);
  }
}

/** The running NetLens to ask: there is one, and --proxy (if given) names it (any loopback spelling). */
function runningFor(
  lookup: RunningLookup,
  flag: { host: string; port: number } | undefined,
): RunningInfo | undefined {
  if (!lookup.info || !flag) return lookup.info;
  const url = new URL(lookup.info.proxy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = (h: string): boolean => h === 'localhost' || h === '::1' || h.startsWith('127.');
  const same =
    Number(url.port) === flag.port && (host === flag.host || (loopback(host) && loopback(flag.host)));
  return same ? lookup.info : undefined;
}

// ───────────────────────────── off ─────────────────────────────

export async function runSystemProxyOff(
  flags: { dryRun?: boolean },
  deps: SystemProxyCommandDeps,
): Promise<number> {
  await recover(deps);
  const lookup = lookupJournal(deps.dataDir);
  if (lookup.problem) throw new CliError(lookup.problem, 1);
  const journal = lookup.journal;
  if (!journal) {
    const state = await readState(ctxOf(deps));
    deps.out(`NetLens has not set the system proxy: nothing to restore. Now: ${state.current}.`);
    return 0;
  }
  const running = deps.running(deps.dataDir).info;
  if (running && journal.owner.pid === running.pid) {
    const body = { on: false, ...(flags.dryRun ? { dryRun: true } : {}) };
    if (flags.dryRun) {
      const plan = await askRunning<DryRun>(deps, running, 'POST', body);
      for (const line of dryRunLines(plan, 'off')) deps.out(line);
      return 0;
    }
    const answer = await askRunning<ChangeAnswer>(deps, running, 'POST', body);
    deps.out(answer.message);
    printWarnings(deps, answer.warnings);
    return 0;
  }
  try {
    if (flags.dryRun) {
      for (const line of dryRunLines(await planTurnOff(ctxOf(deps), journal), 'off')) deps.out(line);
      return 0;
    }
    const alive = ownedByAnotherLiveProcess(journal);
    const result = await turnOff(ctxOf(deps), journal);
    deps.out(`System proxy restored (${result.backend.label}): ${result.restored}.`);
    if (alive) {
      deps.err(
        `netlens: warning: it had been set by ${journal.owner.name} (pid ${journal.owner.pid}), which is still running; its \`system\` listener stays open until it stops.`,
      );
    }
    printWarnings(deps, result.warnings);
    return 0;
  } catch (error) {
    throw asCliError(error);
  }
}

// ───────────────────────────── status ─────────────────────────────

export async function runSystemProxyStatus(
  flags: { json?: boolean },
  deps: SystemProxyCommandDeps,
): Promise<number> {
  await recover(deps);
  const state = await readState(ctxOf(deps));
  if (flags.json) {
    deps.out(JSON.stringify(state));
    return 0;
  }
  for (const line of statusLines(state)) deps.out(line);
  printWarnings(deps, state.warnings);
  return state.backend ? 0 : 1;
}

// ───────────────────────────── wiring ─────────────────────────────

function realDeps(
  dataDirFlag: string | undefined,
  resolveDataDir: (flag?: string) => string,
): SystemProxyCommandDeps {
  return {
    dataDir: resolveDataDir(dataDirFlag),
    environment: realEnvironment(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    running: readRunningFile,
    control: (running, method, path, body) => controlRequest(running, method, path, body, 60_000),
    isListening: (host, port) => isTcpListening(host, port),
  };
}

async function runWith(
  command: Command,
  run: (deps: SystemProxyCommandDeps) => Promise<number>,
): Promise<void> {
  const { resolveDataDir } = await import('../engine/system/dataDir.js');
  const globals = command.optsWithGlobals<{ dataDir?: string }>();
  let code: number;
  try {
    code = await run(realDeps(globals.dataDir, resolveDataDir));
  } catch (error) {
    throw asCliError(error);
  }
  if (code !== 0) process.exitCode = code;
}

export function registerSystemProxyCommand(program: Command): void {
  const command = program
    .command('system-proxy')
    .description('point the OS proxy setting at NetLens, and give the previous one back exactly')
    .addHelpText(
      'after',
      [
        '',
        'The previous setting is saved in DATA/system-proxy.json before anything changes; `off`',
        'restores it exactly (a corporate proxy or PAC URL comes back). If the NetLens that set it',
        'dies, the next NetLens start restores it and says so.',
        '',
        'Examples:',
        '  netlens proxy --system-proxy          # set while this proxy runs, restored on exit',
        '  netlens system-proxy on               # ask the running NetLens to set it',
        '  netlens system-proxy on --pac --dry-run',
        '  netlens system-proxy status --json',
        '  netlens system-proxy off',
      ].join('\n'),
    );
  command
    .command('on')
    .description('point the OS at the running NetLens (or at --proxy HOST:PORT)')
    .option('--proxy <host:port>', 'a proxy that is listening (default: the running NetLens)')
    .option('--pac', 'give the OS a PAC file served by NetLens: `PROXY host:port; DIRECT`')
    .option('--dry-run', 'print the commands instead of running them')
    .action(async (flags: OnFlags, cmd: Command) => {
      await runWith(cmd, (deps) => runSystemProxyOn(flags, deps));
    });
  command
    .command('off')
    .description('give back the setting NetLens replaced')
    .option('--dry-run', 'print the commands instead of running them')
    .action(async (flags: { dryRun?: boolean }, cmd: Command) => {
      await runWith(cmd, (deps) => runSystemProxyOff(flags, deps));
    });
  command
    .command('status')
    .description('what is set, by whom, and what `off` would restore')
    .option('--json', 'the state as one JSON object')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await runWith(cmd, (deps) => runSystemProxyStatus(flags, deps));
    });
}
