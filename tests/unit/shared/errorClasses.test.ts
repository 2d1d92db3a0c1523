import { describe, expect, it } from 'vitest';
import {
  CERT_PROBLEM_NAMES,
  ERROR_CLASSES,
  EXIT_CONNECT,
  EXIT_DNS,
  EXIT_HTTP,
  EXIT_TLS,
  FAILURE_PHASES,
  type ErrorClass,
  type FailurePhase,
} from '@shared/errors.js';
import {
  ERROR_CLASS_TABLE,
  ERROR_FAMILIES,
  classesOfFamily,
  describeFailure,
  errorLabel,
  exitCodeForClass,
  isRetryableClass,
  mirrorFor,
} from '@shared/errorClasses.js';
import { CERT_PROBLEMS, FAILURE_PHASE_WORDS } from '@shared/failureMessage.js';
import { TIMING_PHASES, timingPhaseOf } from '@shared/timing.js';
import { computeTimings } from '@engine/proxy/phaseTimings.js';
import { parseHar } from '@engine/capture/harImport.js';

describe('the error-class table', () => {
  it('has one row per class of the taxonomy, and no other', () => {
    expect(Object.keys(ERROR_CLASS_TABLE).sort()).toEqual([...ERROR_CLASSES].sort());
  });

  for (const errorClass of ERROR_CLASSES) {
    it(`${errorClass} has every fact`, () => {
      const facts = ERROR_CLASS_TABLE[errorClass];
      expect(Object.keys(ERROR_FAMILIES)).toContain(facts.family);
      expect(facts.meaning.length).toBeGreaterThan(10);
      expect([EXIT_DNS, EXIT_CONNECT, EXIT_TLS, EXIT_HTTP]).toContain(facts.exitCode);
      expect(['reset', 'close', 'respond']).toContain(facts.mirror.kind);
      if (facts.mirror.kind === 'respond') expect([502, 504]).toContain(facts.mirror.status);
      expect(['reset', 'close']).toContain(facts.mirrorAfterHead);
      expect(FAILURE_PHASES).toContain(facts.phase);
      expect(TIMING_PHASES).toContain(timingPhaseOf(facts.phase));
      expect(facts.label).toMatch(/^\S.{0,20}$/);
      expect(typeof facts.retryable).toBe('boolean');
      if (facts.unfixable !== undefined) expect(facts.retryable).toBe(false);
      const message = facts.message({
        host: 'api.test',
        port: 8443,
        phase: facts.phase,
        elapsedMs: 1.634,
        timeoutMs: 3000,
      });
      expect(message).toContain('api.test');
      expect(message).toContain('8443');
      expect(message).toContain(FAILURE_PHASE_WORDS[facts.phase]);
      expect(message).toMatch(/1\.6 ms|3000 ms/);
      expect(message).toMatch(/[.?]$/);
    });
  }

  it('gives every class of a family the exit code of the family (a stable contract)', () => {
    const expected: Record<string, number> = {
      dns: EXIT_DNS,
      connect: EXIT_CONNECT,
      tls: EXIT_TLS,
      http: EXIT_HTTP,
      client: EXIT_HTTP,
      injected: EXIT_HTTP,
      recorded: EXIT_HTTP,
    };
    for (const errorClass of ERROR_CLASSES) {
      expect(exitCodeForClass(errorClass), errorClass).toBe(expected[ERROR_CLASS_TABLE[errorClass].family]);
    }
    expect(classesOfFamily('dns')).toEqual(['dns_not_found', 'dns_timeout']);
    expect(classesOfFamily('connect')).toEqual(['connect_refused', 'connect_timeout', 'host_unreachable']);
    expect(classesOfFamily('tls')).toEqual(['tls_cert_invalid', 'tls_handshake_failed']);
    expect([EXIT_DNS, EXIT_CONNECT, EXIT_TLS, EXIT_HTTP]).toEqual([3, 4, 5, 6]);
  });

  it('keeps the retry verdicts the probe runner and the retry analysis had', () => {
    expect(ERROR_CLASSES.filter(isRetryableClass)).toEqual([
      'dns_timeout',
      'connect_refused',
      'connect_timeout',
      'host_unreachable',
      'connection_reset',
      'response_timeout',
      'body_timeout',
      'incomplete_response',
    ]);
    expect(ERROR_CLASSES.filter((c) => ERROR_CLASS_TABLE[c].unfixable !== undefined)).toEqual([
      'dns_not_found',
      'tls_cert_invalid',
    ]);
  });

  it('mirrors to the client as failureMirror did: resets, 504 for timeouts, 502 otherwise', () => {
    const before = Object.fromEntries(ERROR_CLASSES.map((c) => [c, mirrorFor(c, false)]));
    expect(before).toMatchObject({
      connection_reset: { kind: 'reset' },
      connect_refused: { kind: 'reset' },
      dns_timeout: { kind: 'respond', status: 504 },
      connect_timeout: { kind: 'respond', status: 504 },
      response_timeout: { kind: 'respond', status: 504 },
      body_timeout: { kind: 'respond', status: 504 },
      dns_not_found: { kind: 'respond', status: 502 },
      host_unreachable: { kind: 'respond', status: 502 },
      tls_cert_invalid: { kind: 'respond', status: 502 },
      tls_handshake_failed: { kind: 'respond', status: 502 },
      incomplete_response: { kind: 'respond', status: 502 },
      protocol_error: { kind: 'respond', status: 502 },
      injected_fault: { kind: 'respond', status: 502 },
      // The client is gone: nobody to answer.
      client_aborted: { kind: 'close' },
    });
  });

  it('labels failures, with the certificate problem or the imitated class where there is one', () => {
    expect(errorLabel({ class: 'connect_refused' })).toBe('refused');
    expect(errorLabel({ class: 'dns_not_found', detail: 'ENOTFOUND' })).toBe('DNS');
    expect(errorLabel({ class: 'tls_cert_invalid', detail: 'expired' })).toBe('cert expired');
    expect(errorLabel({ class: 'tls_cert_invalid', detail: 'something new' })).toBe('bad cert');
    expect(errorLabel({ class: 'injected_fault', detail: 'connection_reset' })).toBe('injected reset');
    expect(errorLabel({ class: 'injected_fault', detail: 'slow api' })).toBe('injected');
    for (const problem of CERT_PROBLEM_NAMES) expect(CERT_PROBLEMS[problem].label).not.toBe('');
    const labels = ERROR_CLASSES.map((c) => ERROR_CLASS_TABLE[c].label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('writes messages through the table', () => {
    expect(
      describeFailure('connect_timeout', {
        host: '::1',
        port: 443,
        phase: 'connect',
        elapsedMs: 3000.2,
        timeoutMs: 3000,
      }),
    ).toBe(
      'Failed to connect to [::1]:443: TCP connect timed out after 3000 ms. Is a firewall dropping packets, or is the host down?',
    );
  });
});

describe('failure phase → timing phase: one function, and the former four places agree with it', () => {
  it('maps tls to ssl, request to send, and the others to themselves', () => {
    expect(Object.fromEntries(FAILURE_PHASES.map((p) => [p, timingPhaseOf(p)]))).toEqual({
      request: 'send',
      dns: 'dns',
      connect: 'connect',
      tls: 'ssl',
      send: 'send',
      wait: 'wait',
      receive: 'receive',
    });
  });

  it("the proxy's timings count the failing time in that timing phase", () => {
    for (const phase of FAILURE_PHASES) {
      // A new connection that got as far as the failing phase (a client that stops sending its
      // request body fails in `request` while the body streams upstream: after the handshakes).
      const upTo = phase === 'request' ? 'send' : phase;
      const reached = (p: FailurePhase): boolean => FAILURE_PHASES.indexOf(p) < FAILURE_PHASES.indexOf(upTo);
      const timings = computeTimings({
        startMs: 0,
        connectionCreatedMs: 1,
        reused: false,
        ...(reached('dns') ? { lookupEndMs: 2 } : {}),
        ...(reached('connect') ? { connectEndMs: 3 } : {}),
        ...(reached('tls') ? { secureEndMs: 4 } : {}),
        ...(reached('send') ? { sentMs: 5 } : {}),
        ...(reached('wait') ? { firstByteMs: 6 } : {}),
        failedMs: 10,
        failedPhase: phase,
      });
      const failing = timingPhaseOf(phase);
      expect(timings[failing], phase).toBeGreaterThan(0);
      const later = TIMING_PHASES.slice(TIMING_PHASES.indexOf(failing) + 1);
      for (const p of later) expect(timings[p], `${phase}: ${p}`).toBeUndefined();
    }
  });

  it('the HAR import keeps the failing phase and drops the zeros after it', () => {
    const entry = (phase: FailurePhase, errorClass: ErrorClass) => ({
      startedDateTime: '2026-01-01T00:00:00.000Z',
      time: 5,
      request: { method: 'GET', url: 'http://a.test/', httpVersion: 'HTTP/1.1', headers: [] },
      response: { status: 0, statusText: '', httpVersion: '', headers: [], content: { size: 0 } },
      timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0 },
      _error: { class: errorClass, phase, elapsedMs: 5, message: 'x' },
    });
    const phases: [FailurePhase, ErrorClass][] = [
      ['send', 'connection_reset'],
      ['wait', 'response_timeout'],
      ['receive', 'body_timeout'],
      ['request', 'client_aborted'],
    ];
    const har = {
      log: {
        version: '1.2',
        creator: { name: 't', version: '1' },
        entries: phases.map(([p, c]) => entry(p, c)),
      },
    };
    const { exchanges } = parseHar(JSON.stringify(har));
    phases.forEach(([phase], i) => {
      const timings = exchanges[i]!.timings;
      const failing = timingPhaseOf(phase);
      expect(timings[failing], phase).toBe(0);
      for (const p of TIMING_PHASES.slice(TIMING_PHASES.indexOf(failing) + 1)) {
        expect(timings[p], `${phase}: ${p}`).toBeUndefined();
      }
    });
  });
});
