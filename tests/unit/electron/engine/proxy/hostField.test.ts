import { describe, expect, it } from 'vitest';
import { hostFieldProblem } from '@engine/proxy/hostField.js';

describe('hostFieldProblem (RFC 9112 §3.2)', () => {
  it('accepts exactly one Host field, in any case', () => {
    expect(hostFieldProblem('1.1', ['host', 'a.test', 'Accept', '*/*'])).toBeUndefined();
    expect(hostFieldProblem('1.1', ['HOST', 'a.test'])).toBeUndefined();
  });

  it('refuses an HTTP/1.1 request without Host, and any request with two', () => {
    expect(hostFieldProblem('1.1', ['Accept', '*/*'])).toContain('without a Host field');
    expect(hostFieldProblem('1.1', ['Host', 'a.test', 'host', 'b.test'])).toContain('2 Host fields');
    expect(hostFieldProblem('1.0', ['Host', 'a.test', 'Host', 'b.test'])).toContain('2 Host fields');
  });

  it('lets an HTTP/1.0 request go without Host (it had none)', () => {
    expect(hostFieldProblem('1.0', [])).toBeUndefined();
  });
});
