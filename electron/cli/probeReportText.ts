/**
 * The terminal rendering of a probe report: each layer with its time, like httpstat and
 * `curl -w`, then the phase bars, the failure (class and actionable message) and the retry
 * history. Pure: the CLI prints what this returns.
 */
import type {
  CertificateInfo,
  DnsStep,
  HttpStep,
  ProbeReport,
  TcpStep,
  TlsStep,
} from '../../shared/probe.js';
import { ADDRESS_FLAG_LABELS } from '../../shared/probe.js';
import { hostPort } from '../../shared/address.js';
import { formatBytes, formatDurationMs } from '../../shared/format.js';

const BAR_WIDTH = 32;
const MAX_HEADERS_SHOWN = 40;

/** Times in the report: the one duration rule, a dash for a time that was not measured. */
function formatMs(ms: number | undefined): string {
  return formatDurationMs(ms, '—');
}

function row(label: string, summary: string, ms: number | undefined): string {
  const left = `${label.padEnd(6)} ${summary}`;
  return `${left.padEnd(66)} ${formatMs(ms).padStart(10)}`;
}

function dnsLines(step: DnsStep): string[] {
  if (step.literal) return [row('DNS', `${step.host} is an IP address, nothing to resolve`, undefined)];
  const via = step.resolver === 'system' ? 'system resolver' : `resolver ${step.resolver}`;
  if (!step.ok) return [row('DNS', `✗ ${step.host} via ${via}`, step.durationMs)];
  const lines = [
    row(
      'DNS',
      `${step.host} → ${step.addresses.length} address${step.addresses.length === 1 ? '' : 'es'} via ${via}`,
      step.durationMs,
    ),
  ];
  if (step.cnameChain.length > 1) lines.push(`         CNAME ${step.cnameChain.join(' → ')}`);
  for (const a of step.addresses) {
    const flags = a.flags.map((f) => ADDRESS_FLAG_LABELS[f]).join(', ');
    lines.push(
      `         ${`IPv${a.family}`.padEnd(5)} ${a.address.padEnd(40)} ${flags ? `⚑ ${flags}` : ''}`.trimEnd(),
    );
  }
  return lines;
}

function tcpLines(step: TcpStep): string[] {
  const summary =
    step.ok && step.connectedAddress
      ? `connected to ${hostPort(step.connectedAddress, step.port)}`
      : `✗ no address accepted a connection on port ${step.port}`;
  const lines = [row('TCP', summary, step.durationMs)];
  if (step.attempts.length > 1 || !step.ok) {
    for (const a of step.attempts) {
      const outcome = a.ok ? 'connected' : a.cancelled ? 'cancelled' : (a.error?.class ?? 'failed');
      lines.push(
        `         ${a.ok ? '✓' : a.cancelled ? '–' : '✗'} ${hostPort(a.address, a.port).padEnd(46)} ${outcome.padEnd(18)} ${formatMs(a.durationMs).padStart(10)}`,
      );
    }
  }
  return lines;
}

function certLine(cert: CertificateInfo, index: number): string[] {
  const expires = new Date(cert.validToMs).toISOString().slice(0, 10);
  const days = cert.daysLeft < 0 ? `expired ${-cert.daysLeft} days ago` : `${cert.daysLeft} days left`;
  const lines = [
    `         [${index}] ${cert.subject || '(no subject)'}${cert.selfSigned ? '  (self-signed)' : ''}`,
  ];
  lines.push(`             issuer  ${cert.issuer}`);
  if (cert.subjectAltNames.length > 0)
    lines.push(
      `             names   ${cert.subjectAltNames.slice(0, 12).join(', ')}${cert.subjectAltNames.length > 12 ? ` (+${cert.subjectAltNames.length - 12})` : ''}`,
    );
  lines.push(
    `             valid   ${new Date(cert.validFromMs).toISOString().slice(0, 10)} → ${expires} (${days})`,
  );
  return lines;
}

function tlsLines(step: TlsStep): string[] {
  if (step.chain.length === 0 && !step.ok)
    return [row('TLS', `✗ handshake with ${step.servername} failed`, step.durationMs)];
  const parts = [step.protocol, step.cipher, step.alpn ? `ALPN ${step.alpn}` : 'no ALPN'].filter(Boolean);
  const lines = [row('TLS', parts.join(', '), step.durationMs)];
  if (step.valid) lines.push(`         ✓ certificate valid for ${step.servername}`);
  else
    lines.push(
      `         ✗ certificate rejected: ${step.problem ?? 'invalid'} (${step.reason ?? 'unknown reason'})${step.insecure ? ' — continuing (--insecure)' : ''}`,
    );
  if (!step.valid && step.problem !== 'hostname_mismatch' && step.nameMatches === false)
    lines.push(`         ✗ and the certificate does not cover ${step.servername} either`);
  lines.push(
    `         OCSP stapling: ${step.ocspStapled ? `yes (${step.ocspResponseBytes ?? 0} bytes)` : 'no'}`,
  );
  step.chain.forEach((cert, i) => lines.push(...certLine(cert, i)));
  return lines;
}

function httpLines(step: HttpStep, verbose: boolean): string[] {
  const lines: string[] = [];
  step.hops.forEach((hop, index) => {
    const label = index === 0 ? 'HTTP' : '↪';
    if (hop.status === 0) {
      lines.push(row(label, `${hop.method} ${hop.url} — connection failed`, undefined));
      return;
    }
    lines.push(
      row(
        label,
        `${hop.status} ${hop.statusText}  ${hop.httpVersion}  ${formatBytes(hop.sizeBytes)}  ${hop.method} ${hop.url}`,
        (hop.timings.send ?? 0) + hop.ttfbMs + hop.downloadMs,
      ),
    );
    lines.push(
      `         TTFB ${formatMs(hop.ttfbMs)} · download ${formatMs(hop.downloadMs)}${hop.location ? ` · Location ${hop.location}` : ''}`,
    );
    if (verbose || index === step.hops.length - 1) {
      for (const h of hop.headers.slice(0, MAX_HEADERS_SHOWN)) lines.push(`         ${h.name}: ${h.value}`);
      if (hop.headers.length > MAX_HEADERS_SHOWN)
        lines.push(`         … ${hop.headers.length - MAX_HEADERS_SHOWN} more headers (--json shows all)`);
    }
  });
  if (step.redirectNotFollowed) lines.push(`         ${step.redirectNotFollowed}`);
  if (step.hops.length === 0 && !step.ok) lines.push(row('HTTP', '✗ no response', undefined));
  return lines;
}

const PHASE_ROWS: [keyof ProbeReport['timings'], string][] = [
  ['dns', 'DNS lookup'],
  ['connect', 'TCP connect'],
  ['ssl', 'TLS handshake'],
  ['send', 'Request sent'],
  ['wait', 'Wait (TTFB)'],
  ['receive', 'Download'],
];

function phaseBars(report: ProbeReport): string[] {
  const present = PHASE_ROWS.filter(([phase]) => report.timings[phase] !== undefined);
  if (present.length === 0) return [];
  const total = present.reduce((sum, [phase]) => sum + (report.timings[phase] ?? 0), 0);
  const lines = ['', 'Phases'];
  let offset = 0;
  for (const [phase, label] of present) {
    const ms = report.timings[phase] ?? 0;
    const start = total > 0 ? Math.round((offset / total) * BAR_WIDTH) : 0;
    const width = total > 0 ? Math.max(1, Math.round((ms / total) * BAR_WIDTH)) : 1;
    lines.push(
      `  ${label.padEnd(15)} ${formatMs(ms).padStart(10)}  ${' '.repeat(Math.min(start, BAR_WIDTH - 1))}${'█'.repeat(Math.min(width, BAR_WIDTH - Math.min(start, BAR_WIDTH - 1)))}`,
    );
    offset += ms;
  }
  lines.push(`  ${'Total'.padEnd(15)} ${formatMs(report.totalMs).padStart(10)}`);
  return lines;
}

export function formatProbeReport(report: ProbeReport, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  const what = report.url ?? `${report.scheme}://${hostPort(report.host, report.port)}`;
  lines.push(`Probe ${what}  (timeout ${formatDurationMs(report.timeoutMs)} per phase)`, '');
  for (const step of report.steps) {
    if (step.kind === 'dns') lines.push(...dnsLines(step));
    else if (step.kind === 'tcp') lines.push(...tcpLines(step));
    else if (step.kind === 'tls') lines.push(...tlsLines(step));
    else lines.push(...httpLines(step, options.verbose ?? false));
  }
  lines.push(...phaseBars(report));
  if (report.attempts.length > 1) {
    lines.push('', 'Attempts');
    for (const a of report.attempts) {
      const wait = a.attempt === 1 ? '' : `after ${formatMs(a.waitBeforeMs)} ${a.waitReason ?? ''}`.trimEnd();
      lines.push(
        `  #${String(a.attempt).padEnd(3)} ${wait.padEnd(28)} ${a.outcome.padEnd(40)} ${formatMs(a.durationMs).padStart(10)}`,
      );
    }
  }
  lines.push('');
  if (report.error) {
    lines.push(
      `✗ ${report.error.class} in ${report.error.phase} after ${formatMs(report.error.elapsedMs)}${report.error.detail ? ` (${report.error.detail})` : ''}`,
    );
    lines.push(`  ${report.error.message}`);
  } else {
    const status =
      report.status !== undefined
        ? `HTTP ${report.status}`
        : report.scheme === 'tls'
          ? 'TLS handshake completed'
          : 'TCP connection established';
    lines.push(`✓ ${status} in ${formatMs(report.totalMs)}`);
  }
  return lines.join('\n');
}
