/**
 * `netlens env --docker`: the `docker run` arguments that send a container's HTTP(S) through
 * NetLens on the host. A container cannot use the host's 127.0.0.1 (its loopback is its own), so
 * the proxy is reached as `host.docker.internal` — built into Docker Desktop, and mapped to the
 * bridge gateway on Docker Engine by `--add-host=host.docker.internal:host-gateway` (Docker
 * 20.10+; harmless on Desktop, so the same flags work everywhere) — and NetLens must listen
 * beyond loopback, which turns proxy authentication on: the flags carry the secret.
 */
import os from 'node:os';
import { CONTAINER_NO_PROXY, proxyUrlOf, terminalVariables } from './terminalVariables.js';
import type { TerminalVariable } from '../../../../shared/terminal.js';
import { isLoopbackHost, isWildcardHost } from '../../../../shared/address.js';

/** Where the CA files appear inside the container (mounted read-only). */
export const CONTAINER_CA_PATH = '/netlens/netlens-ca.pem';
export const CONTAINER_BUNDLE_PATH = '/netlens/ca-bundle.pem';
export const DOCKER_HOST_NAME = 'host.docker.internal';

export interface DockerFlagsInput {
  /** The address the proxy listens on (its main listener, as running.json or --proxy says). */
  listenHost: string;
  port: number;
  /** `docker#N` (or `docker` with no NetLens to number it). */
  source: string;
  /** The proxy's secret, when it asks for authentication. */
  secret?: string;
  caCertPath: string;
  caBundlePath: string;
}

export interface DockerFlags {
  /** `docker run` arguments, one flag per item (`--env=NAME=value`, `--volume=…:ro`). */
  args: string[];
  variables: TerminalVariable[];
  proxyUrl: string;
  /** The proxy as a container reaches it. */
  proxyHost: string;
}

/**
 * How a container reaches the proxy: `host.docker.internal` when NetLens listens on every
 * address (or on loopback, which the note below explains), else the one address it listens on.
 */
export function containerProxyHost(listenHost: string): string {
  return isWildcardHost(listenHost) || isLoopbackHost(listenHost) ? DOCKER_HOST_NAME : listenHost;
}

export function dockerFlags(input: DockerFlagsInput): DockerFlags {
  const proxyHost = containerProxyHost(input.listenHost);
  const proxyUrl = proxyUrlOf({
    host: proxyHost,
    port: input.port,
    user: input.source,
    ...(input.secret !== undefined ? { password: input.secret } : {}),
  });
  const variables = terminalVariables({
    proxyUrl,
    caCertPath: CONTAINER_CA_PATH,
    caBundlePath: CONTAINER_BUNDLE_PATH,
    // The container's loopback is not the host's: without this, a request to the container's
    // own localhost would reach the host's.
    noProxy: CONTAINER_NO_PROXY,
    globalAgentNoProxy: true,
  }).map((variable) =>
    variable.name === 'NO_PROXY' || variable.name === 'no_proxy'
      ? { ...variable, why: "the container's own loopback, which is not the host's, stays direct" }
      : variable,
  );
  const args = [
    `--add-host=${DOCKER_HOST_NAME}:host-gateway`,
    `--volume=${input.caCertPath}:${CONTAINER_CA_PATH}:ro`,
    `--volume=${input.caBundlePath}:${CONTAINER_BUNDLE_PATH}:ro`,
    ...variables.map((variable) => `--env=${variable.name}=${variable.value}`),
  ];
  return { args, variables, proxyUrl, proxyHost };
}

/** The address of the docker0 bridge on this machine, when it has one (Docker Engine on Linux). */
export function dockerBridgeAddress(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): string | undefined {
  return interfaces.docker0?.find((address) => address.family === 'IPv4')?.address;
}

/**
 * One sentence when a container cannot reach the proxy: it listens on loopback only. Undefined
 * when it listens on every address or on a specific outside one.
 */
export function dockerReachabilityNote(
  listenHost: string,
  port: number,
  bridgeAddress?: string,
): string | undefined {
  if (!isLoopbackHost(listenHost)) return undefined;
  const bridge = bridgeAddress ?? '172.17.0.1';
  return (
    `NetLens listens on ${listenHost}:${port} only, which a container on Docker Engine cannot reach: ` +
    `start it with --host 0.0.0.0 (or --host ${bridge}, the docker0 bridge address) and run this again; ` +
    'it then asks for its password, which these flags carry.'
  );
}
