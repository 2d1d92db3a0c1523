/**
 * The terminal set-up of `netlens env`, `netlens shell` and the app's `terminal:env`: the CA
 * bundle brought up to date, the variables, and the lines for one shell. Callers find the proxy,
 * the source label and the secret (the CLI through running.json, the app from its engine).
 */
import type { ShellKind, TerminalSetup, TerminalVariable } from '../../../../shared/terminal.js';
import { ensureCaBundle, type CaBundle } from './caBundle.js';
import { dockerFlags, dockerReachabilityNote, dockerBridgeAddress } from './dockerFlags.js';
import { argumentWord, assignmentLine, commentLine, unsetLines } from './shellSyntax.js';
import { readSystemRoots, type SystemRootsOptions } from './systemRoots.js';
import { existingNoProxy, proxyUrlOf, terminalVariables, UNSET_VARIABLES } from './terminalVariables.js';

export interface TerminalEnvironmentInput {
  dataDir: string;
  shell: ShellKind;
  /** Where the proxy's main listener is (`0.0.0.0` when it listens on every address). */
  listenHost: string;
  port: number;
  /** The source label (`terminal#3`, `docker#4`; the plain kind when no NetLens numbered it). */
  source: string;
  /** The proxy's secret, when it asks for authentication. */
  secret?: string;
  /**
   * A source listener of this client's own (`netlens shell`): its URL replaces the main port,
   * and needs no credentials — the port itself labels the traffic.
   */
  listenerUrl?: string;
  caCertPath: string;
  caCertPem: string;
  /** The user's environment (NO_PROXY, GLOBAL_AGENT_NO_PROXY). */
  env: NodeJS.ProcessEnv;
  /** `docker run` arguments instead of shell lines. */
  docker?: boolean;
  roots?: SystemRootsOptions;
  /** The docker0 bridge address, for the note (default: read from this machine's interfaces). */
  dockerBridge?: string;
}

export interface TerminalEnvironment extends TerminalSetup {
  bundle: CaBundle;
}

/** The connect address for a wildcard listener, as clients on this machine reach it. */
function localHost(listenHost: string): string {
  if (listenHost === '0.0.0.0' || listenHost === '') return '127.0.0.1';
  if (listenHost === '::') return '::1';
  return listenHost;
}

/** How to apply the lines, in each shell (the first comment line says it). */
export const APPLY_HINT: Record<ShellKind, string> = {
  sh: 'Apply: eval "$(netlens env)"  Undo: eval "$(netlens env --unset)"',
  fish: 'Apply: netlens env --shell fish | source  Undo: netlens env --shell fish --unset | source',
  powershell:
    'Apply: netlens env --shell powershell | Out-String | Invoke-Expression  Undo: the same with --unset',
  cmd: 'Apply with FOR /F over the output of netlens env --shell cmd (see docs/terminal.md)',
};

export async function terminalEnvironment(input: TerminalEnvironmentInput): Promise<TerminalEnvironment> {
  const roots = await readSystemRoots({ env: input.env, ...input.roots });
  const bundle = await ensureCaBundle(input.dataDir, roots, input.caCertPem);

  if (input.docker) {
    const flags = dockerFlags({
      listenHost: input.listenHost,
      port: input.port,
      source: input.source,
      ...(input.secret !== undefined ? { secret: input.secret } : {}),
      caCertPath: input.caCertPath,
      caBundlePath: bundle.path,
    });
    const note = dockerReachabilityNote(
      input.listenHost,
      input.port,
      input.dockerBridge ?? dockerBridgeAddress(),
    );
    return {
      shell: input.shell,
      lines: [flags.args.map((arg) => argumentWord(input.shell, arg)).join(' ')],
      source: input.source,
      proxyUrl: flags.proxyUrl,
      variables: flags.variables,
      notes: note ? [note] : [],
      bundle,
    };
  }

  const proxyUrl =
    input.listenerUrl ??
    proxyUrlOf({
      host: localHost(input.listenHost),
      port: input.port,
      user: input.source,
      ...(input.secret !== undefined ? { password: input.secret } : {}),
    });
  const noProxy = existingNoProxy(input.env);
  const variables = terminalVariables({
    proxyUrl,
    caCertPath: input.caCertPath,
    caBundlePath: bundle.path,
    ...(noProxy !== undefined ? { noProxy } : {}),
    globalAgentNoProxy: input.env.GLOBAL_AGENT_NO_PROXY === undefined,
  });
  const shown = proxyUrlOf({ host: localHost(input.listenHost), port: input.port });
  const lines = [
    commentLine(input.shell, `NetLens ${input.source}: proxy ${shown}, CA ${input.caCertPath}`),
    commentLine(input.shell, APPLY_HINT[input.shell]),
    ...variableLines(input.shell, variables),
  ];
  return { shell: input.shell, lines, source: input.source, proxyUrl, variables, notes: [], bundle };
}

export function variableLines(shell: ShellKind, variables: readonly TerminalVariable[]): string[] {
  return variables.map((variable) => assignmentLine(shell, variable.name, variable.value));
}

/** `netlens env --unset`: the lines removing what `netlens env` set (NO_PROXY, the user's, stays). */
export function unsetSetup(shell: ShellKind): TerminalSetup {
  return {
    shell,
    lines: [
      commentLine(shell, 'NetLens: remove the proxy and CA variables'),
      ...unsetLines(shell, UNSET_VARIABLES),
    ],
    source: '',
    proxyUrl: '',
    variables: [],
    notes: [],
  };
}
