/**
 * The system proxy as one running NetLens owns it: it opens the loopback listener whose traffic
 * is labelled `system`, points the OS at it (directly, or through the PAC file it serves), owns
 * the journal, and restores the previous setting when it stops. The app's toggle, the control
 * route other NetLens processes call, and `netlens proxy --system-proxy` all come here; calls
 * run one at a time.
 */
import type { SystemProxyRequest, SystemProxyState } from '../../../../shared/systemProxy.js';
import { PAC_PATH } from '../../proxy/infoPage.js';
import type { NetlensProxyTarget } from './proxyBackend.js';
import type { SystemProxyEnvironment } from './systemCommand.js';
import { SystemProxyError } from './systemProxyError.js';
import {
  lookupJournal,
  ownedByAnotherLiveProcess,
  ownerOfThisProcess,
  planTurnOff,
  planTurnOn,
  readState,
  recoverSystemProxy,
  turnOff,
  turnOn,
  type DryRun,
  type Recovery,
  type SelfOwner,
  type SystemProxyContext,
} from './systemProxyService.js';

export interface SystemProxyControllerOptions {
  dataDir: string;
  environment: SystemProxyEnvironment;
  /** How the journal and `status` name this process: `netlens proxy`, `the NetLens app`. */
  ownerName: string;
  /** Opens the loopback listener whose exchanges are labelled `system` (or returns the open one). */
  openListener(): Promise<{ host: string; port: number }>;
  closeListener(): Promise<void>;
  /** Called with the new state after every change. */
  onChange(state: SystemProxyState): void;
  /** Where a change's warnings go as they happen (the engine's `notice` events). */
  onWarning?(message: string): void;
}

export interface SystemProxyChange {
  state: SystemProxyState;
  /** One line for the user: what was set or restored. */
  message: string;
  /** One line each: what needs attention. */
  warnings: string[];
}

/** What the engine exposes of the controller. */
export type EngineSystemProxy = Pick<SystemProxyController, 'status' | 'set' | 'dryRun'>;

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export class SystemProxyController {
  private owns = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly ctx: SystemProxyContext;

  constructor(private readonly options: SystemProxyControllerOptions) {
    this.ctx = { dataDir: options.dataDir, environment: options.environment };
  }

  private get self(): SelfOwner {
    return { pid: process.pid, owns: this.owns };
  }

  /** Runs `task` after the ones before it, whatever they gave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Crash recovery at start: restores a journal whose owner is gone. */
  recover(): Promise<Recovery | undefined> {
    return this.serial(() => recoverSystemProxy(this.ctx, this.self));
  }

  status(): Promise<SystemProxyState> {
    return this.serial(() => readState(this.ctx, this.self));
  }

  set(request: SystemProxyRequest): Promise<SystemProxyChange> {
    return this.serial(() => (request.on ? this.turnOn(request.pac === true) : this.turnOff()));
  }

  /** What `set` would run, without changing anything (the `system` listener is opened to name its port). */
  dryRun(request: SystemProxyRequest): Promise<DryRun> {
    return this.serial(async () => {
      const lookup = lookupJournal(this.ctx.dataDir);
      if (lookup.problem) throw new SystemProxyError(lookup.problem, 'system_proxy_journal');
      if (!request.on) {
        if (!lookup.journal) {
          throw new SystemProxyError(
            'NetLens has not set the system proxy: there is nothing to restore.',
            'system_proxy_failed',
          );
        }
        return planTurnOff(this.ctx, lookup.journal);
      }
      const listener = await this.options.openListener();
      return planTurnOn(this.ctx, this.target(listener, request.pac === true), lookup.journal);
    });
  }

  /** At shutdown: gives back what this process set. Never throws; says what happened. */
  release(): Promise<SystemProxyChange | undefined> {
    return this.serial(async () => {
      if (!this.owns) return undefined;
      // Given back meanwhile by someone else (`netlens system-proxy off` run on its own)? Then a
      // journal here now is another process's, not ours to restore.
      const lookup = lookupJournal(this.ctx.dataDir);
      if (!lookup.problem && lookup.journal?.owner.pid !== process.pid) {
        this.owns = false;
        await this.options.closeListener().catch(() => undefined);
        return undefined;
      }
      try {
        return await this.turnOff();
      } catch (error) {
        return {
          state: await readState(this.ctx, this.self),
          message: `Could not restore the system proxy: ${(error as Error).message}`,
          warnings: [],
        };
      }
    });
  }

  private warn(warnings: string[]): void {
    for (const warning of warnings) this.options.onWarning?.(`System proxy: ${warning}`);
  }

  private target(listener: { host: string; port: number }, pac: boolean): NetlensProxyTarget {
    return pac
      ? { mode: 'pac', pacUrl: `http://${hostForUrl(listener.host)}:${listener.port}${PAC_PATH}` }
      : { mode: 'manual', host: listener.host, port: listener.port };
  }

  private async turnOn(pac: boolean): Promise<SystemProxyChange> {
    const warnings: string[] = [];
    const lookup = lookupJournal(this.ctx.dataDir);
    if (lookup.problem) throw new SystemProxyError(lookup.problem, 'system_proxy_journal');
    const journal = lookup.journal;
    if (journal) {
      const mine = this.owns && journal.owner.pid === process.pid;
      if (mine && journal.mode === (pac ? 'pac' : 'manual')) {
        return {
          state: await readState(this.ctx, this.self),
          message: 'The system proxy is already set by this NetLens.',
          warnings,
        };
      }
      if (!mine) {
        if (journal.owner.pid === undefined || ownedByAnotherLiveProcess(journal, this.self)) {
          throw new SystemProxyError(
            `The system proxy is already set by ${journal.owner.name}${journal.owner.pid !== undefined ? ` (pid ${journal.owner.pid})` : ''}. Stop it, or run \`netlens system-proxy off\` first.`,
            'system_proxy_busy',
          );
        }
      }
      // Ours in the other mode, or left by a NetLens that is gone: give it back first.
      const restored = await turnOff(this.ctx, journal);
      warnings.push(...restored.warnings);
      this.owns = false;
    }
    const listener = await this.options.openListener();
    try {
      const result = await turnOn(this.ctx, {
        target: this.target(listener, pac),
        proxy: listener,
        owner: ownerOfThisProcess(this.options.ownerName),
      });
      warnings.push(...result.warnings);
      this.owns = true;
      const state = await readState(this.ctx, this.self);
      this.options.onChange(state);
      this.warn(warnings);
      return {
        state,
        message: `System proxy set (${result.backend.label}): ${state.current}. Its traffic is labelled "system". Turning it off restores: ${state.restore ?? 'the previous setting'}.`,
        warnings,
      };
    } catch (error) {
      await this.options.closeListener().catch(() => undefined);
      throw error;
    }
  }

  private async turnOff(): Promise<SystemProxyChange> {
    const lookup = lookupJournal(this.ctx.dataDir);
    if (lookup.problem) throw new SystemProxyError(lookup.problem, 'system_proxy_journal');
    const journal = lookup.journal;
    const warnings: string[] = [];
    let message = 'NetLens had not set the system proxy: nothing to restore.';
    if (journal) {
      if (journal.owner.pid !== process.pid && ownedByAnotherLiveProcess(journal, this.self)) {
        warnings.push(
          `It had been set by ${journal.owner.name} (pid ${journal.owner.pid}), which is still running.`,
        );
      }
      const result = await turnOff(this.ctx, journal);
      warnings.push(...result.warnings);
      message = `System proxy restored (${result.backend.label}): ${result.restored}.`;
    }
    const owned = this.owns;
    this.owns = false;
    await this.options.closeListener().catch(() => undefined);
    const state = await readState(this.ctx, this.self);
    if (journal || owned) this.options.onChange(state);
    this.warn(warnings);
    return { state, message, warnings };
  }
}
