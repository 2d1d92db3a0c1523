/**
 * A harness for scripting the exchange lifecycle as mitmproxy's Playbook tests do: events go in,
 * the commands they produce come out, with no socket anywhere. Timers are manual (a test fires
 * them) and the record goes to an in-memory sink the test can read.
 */
import { performance } from 'node:perf_hooks';
import type { Exchange } from '@shared/model.js';
import { BodyCapture } from '@engine/capture/bodyCapture.js';
import { ExchangeLifecycle, type LifecycleOptions } from '@engine/proxy/exchangeLifecycle.js';
import { ExchangeRecorder } from '@engine/proxy/exchangeRecorder.js';
import type { ExchangeSink } from '@engine/proxy/exchangeSink.js';
import type {
  LifecycleCommand,
  LifecycleEvent,
  SetupPhase,
  TimerName,
  Watchdog,
} from '@engine/proxy/lifecycleMessages.js';
import type { UpstreamConnection } from '@engine/proxy/upstreamAgent.js';

export type WatchdogState = 'idle' | 'running' | 'paused' | 'stopped';

/** A timer the test drives: it reports its state and fires when told to (if it is running). */
export class ManualWatchdog implements Watchdog {
  state: WatchdogState = 'idle';
  constructor(
    readonly timeoutMs: number,
    private readonly onTimeout: () => void,
  ) {}
  start(): void {
    if (this.state !== 'stopped') this.state = 'running';
  }
  touch(): void {
    if (this.state === 'idle') this.state = 'running';
  }
  pause(): void {
    if (this.state !== 'stopped') this.state = 'paused';
  }
  resume(): void {
    if (this.state !== 'stopped') this.state = 'running';
  }
  stop(): void {
    this.state = 'stopped';
  }
  fire(): void {
    if (this.state === 'running') this.onTimeout();
  }
}

export interface Script {
  lifecycle: ExchangeLifecycle;
  /** Feeds one event; returns the commands it produced (in order). */
  send(event: LifecycleEvent): LifecycleCommand[];
  /** Fires the newest timer of that kind; returns the commands it produced. */
  fire(timer: TimerName): LifecycleCommand[];
  timer(timer: TimerName): ManualWatchdog | undefined;
  /** The recorded exchange, once the lifecycle has settled it. */
  finished(): Exchange | undefined;
  /** Every command so far. */
  log: LifecycleCommand[];
  /** Lets a test react to a command as an adapter would (e.g. report a failed write back). */
  onCommand?: (command: LifecycleCommand) => void;
}

export function lifecycleScript(
  options: { withBody?: boolean; expectsContinue?: boolean; kind?: 'http' | 'websocket' } = {},
): Script {
  let finishedExchange: Exchange | undefined;
  const sink: ExchangeSink = {
    capturing: true,
    nextSeq: () => 1,
    openBody: () =>
      new BodyCapture({
        memoryLimitBytes: 1 << 20,
        capBytes: 1 << 20,
        spillPath: () => {
          throw new Error('no disk in a script');
        },
      }),
    started: () => undefined,
    progressed: () => undefined,
    finished: (exchange) => {
      finishedExchange = exchange;
    },
  };
  const recorder = new ExchangeRecorder(sink, {
    kind: options.kind ?? 'http',
    method: options.withBody ? 'POST' : 'GET',
    url: 'http://api.test:8080/v1/items',
    httpVersion: 'HTTP/1.1',
    headers: [{ name: 'Host', value: 'api.test:8080' }],
    captureRequestBody: options.withBody ?? false,
  });
  const timers = new Map<TimerName, ManualWatchdog>();
  const settings = { responseTimeoutMs: 60_000, bodyIdleTimeoutMs: 30_000 };
  let output: LifecycleCommand[] = [];
  const log: LifecycleCommand[] = [];
  const script: Script = {
    lifecycle: undefined as unknown as ExchangeLifecycle,
    send(event) {
      output = [];
      script.lifecycle.handle(event);
      return output;
    },
    fire(timer) {
      output = [];
      timers.get(timer)?.fire();
      return output;
    },
    timer: (timer) => timers.get(timer),
    finished: () => finishedExchange,
    log,
  };
  const lifecycleOptions: LifecycleOptions = {
    recorder,
    target: { host: 'api.test', port: 8080 },
    withBody: options.withBody ?? false,
    expectsContinue: options.expectsContinue ?? false,
    timeouts: settings,
    watchdog: (timer, timeoutMs, onTimeout) => {
      const watchdog = new ManualWatchdog(timeoutMs, onTimeout);
      timers.set(timer, watchdog);
      return watchdog;
    },
  };
  script.lifecycle = new ExchangeLifecycle(lifecycleOptions, {
    execute(command) {
      output.push(command);
      log.push(command);
      script.onCommand?.(command);
    },
  });
  return script;
}

/** An upstream connection as instrumentSocket makes it, at a given set-up step. */
export function freshConnection(phase: SetupPhase | 'ready' = 'dns'): UpstreamConnection {
  return {
    id: 'c1',
    tls: false,
    host: 'api.test',
    port: 8080,
    createdMs: performance.now(),
    phase,
    requests: 0,
    sawReset: false,
    sawEnd: false,
  };
}

export function errorWithCode(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

export const responseHead = (
  status = 200,
  rawHeaders: string[] = ['Content-Type', 'text/plain', 'Connection', 'keep-alive'],
): LifecycleEvent => ({ type: 'responseHead', status, statusText: 'OK', httpVersion: '1.1', rawHeaders });
