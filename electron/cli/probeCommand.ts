/**
 * `netlens probe TARGET`: DNS → TCP → TLS → HTTP, each timed, stopping at the first failure.
 * Exit codes by class family (DESIGN.md): 0 ok, 2 usage, 3 DNS, 4 connect, 5 TLS, 6 HTTP.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from '../../shared/errors.js';
import { exitCodeForClass } from '../../shared/errorClasses.js';
import { DEFAULT_PROBE_TIMEOUT_MS, MAX_PROBE_RETRIES, type ProbeRequest } from '../../shared/probe.js';
import { CliError } from './cliError.js';
import { runProbe, MAX_PROBE_TIMEOUT_MS } from '../engine/probes/probeRunner.js';
import { parseProbeTarget, TargetError } from '../engine/probes/probeTarget.js';
import { isResolverAddress } from '../engine/probes/dnsProbe.js';
import { formatProbeReport } from './probeReportText.js';
import { integerOption } from './probeOptions.js';

interface ProbeFlags {
  json?: boolean;
  timeoutMs?: string;
  retries?: string;
  resolver?: string;
  follow: boolean;
  maxRedirects?: string;
  insecure?: boolean;
  allAddresses?: boolean;
  head?: boolean;
  cacert?: string[];
  verbose?: boolean;
}

export function registerProbeCommand(program: Command): void {
  program
    .command('probe')
    .description('probe a URL or host:port layer by layer (DNS, TCP, TLS, HTTP) and explain any failure')
    .argument('<target>', 'https://host/path, http://host:port/, tls://host:port or host:port')
    .option('--json', 'print the report as JSON')
    .option('--timeout-ms <n>', `timeout of each phase (default ${DEFAULT_PROBE_TIMEOUT_MS})`)
    .option('--retries <n>', `retry up to N times when a retry can help (0-${MAX_PROBE_RETRIES}, default 0)`)
    .option('--resolver <ip>', 'ask this DNS server instead of the system resolver (shows the CNAME chain)')
    .option('--no-follow', 'do not follow redirects')
    .option('--max-redirects <n>', 'redirects to follow at most (default 5)')
    .option('--insecure', 'carry on past a rejected certificate (still reported)')
    .option('--all-addresses', 'connect to every resolved address, not just the first that answers')
    .option('--head', 'send HEAD instead of GET')
    .option('--cacert <file...>', 'also trust these CA certificates (PEM)')
    .option('--verbose', 'show the headers of every redirect hop')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok (any HTTP status), 2 usage, 3 DNS, 4 connect, 5 TLS, 6 HTTP (no or broken response).',
    )
    .action(async (target: string, flags: ProbeFlags) => {
      const request = probeRequestFromFlags(target, flags);
      const ca = (flags.cacert ?? []).map((file) => {
        try {
          return readFileSync(file, 'utf8');
        } catch (error) {
          throw new CliError(`Cannot read --cacert ${file}: ${(error as Error).message}`, EXIT_USAGE);
        }
      });
      const report = await runProbe(request, ca.length > 0 ? { ca } : {});
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${formatProbeReport(report, { verbose: flags.verbose ?? false })}\n`);
      process.exitCode = report.error ? exitCodeForClass(report.error.class) : EXIT_OK;
    });
}

export function probeRequestFromFlags(target: string, flags: ProbeFlags): ProbeRequest {
  try {
    parseProbeTarget(target);
  } catch (error) {
    if (error instanceof TargetError) throw new CliError(error.message, EXIT_USAGE);
    throw error;
  }
  const request: ProbeRequest = { target, followRedirects: flags.follow !== false };
  const timeoutMs = integerOption(flags.timeoutMs, '--timeout-ms', 1, MAX_PROBE_TIMEOUT_MS);
  if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
  const retries = integerOption(flags.retries, '--retries', 0, MAX_PROBE_RETRIES);
  if (retries !== undefined) request.retries = retries;
  const maxRedirects = integerOption(flags.maxRedirects, '--max-redirects', 0, 20);
  if (maxRedirects !== undefined) request.maxRedirects = maxRedirects;
  if (flags.resolver !== undefined) {
    if (!isResolverAddress(flags.resolver.trim()))
      throw new CliError(
        `--resolver must be the IP address of a DNS server (optionally :port), got "${flags.resolver}".`,
        EXIT_USAGE,
      );
    request.resolver = flags.resolver.trim();
  }
  if (flags.insecure) request.insecure = true;
  if (flags.allAddresses) request.allAddresses = true;
  if (flags.head) request.method = 'HEAD';
  return request;
}
