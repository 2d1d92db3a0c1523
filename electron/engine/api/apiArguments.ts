import { formatChoices, unknownValueMessage } from '../../../shared/format.js';
/**
 * Argument checks for the API channels. Everything arriving over IPC or the WebSocket is
 * untrusted: each handler's `parse` turns `unknown[]` into its typed arguments with these
 * checks, or throws ArgumentError, which the dispatcher answers with `bad_argument`.
 */

export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

/** Longest id accepted (exchange, monitor, chain ids are short; this only bounds abuse). */
export const MAX_ID_LENGTH = 256;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string'
    ? 'a string'
    : typeof value === 'object'
      ? 'an object'
      : String(typeof value);
}

/**
 * The argument list itself: an array of at most `max` items (missing trailing optional
 * arguments are allowed down to `min`).
 */
export function argList(args: unknown, min: number, max = min): unknown[] {
  if (!Array.isArray(args)) throw new ArgumentError(`arguments must be an array, got ${describe(args)}`);
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new ArgumentError(`expected ${expected} argument(s), got ${args.length}`);
  }
  return args;
}

export function stringArg(
  value: unknown,
  name: string,
  limits: { minLength?: number; maxLength: number },
): string {
  if (typeof value !== 'string') throw new ArgumentError(`${name} must be a string, got ${describe(value)}`);
  const minLength = limits.minLength ?? 0;
  if (value.length < minLength) {
    throw new ArgumentError(minLength === 1 ? `${name} must not be empty` : `${name} is too short`);
  }
  if (value.length > limits.maxLength) {
    throw new ArgumentError(`${name} is too long (${value.length} characters, at most ${limits.maxLength})`);
  }
  return value;
}

export function idArg(value: unknown, name: string): string {
  return stringArg(value, name, { minLength: 1, maxLength: MAX_ID_LENGTH });
}

export function integerArg(value: unknown, name: string, range: { min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ArgumentError(`${name} must be an integer, got ${describe(value)}`);
  }
  if (value < range.min || value > range.max) {
    throw new ArgumentError(`${name} must be between ${range.min} and ${range.max}, got ${value}`);
  }
  return value;
}

export function booleanArg(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean')
    throw new ArgumentError(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

export function enumArg<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string') {
    throw new ArgumentError(`${name} must be ${formatChoices(allowed)}, got ${describe(value)}`);
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ArgumentError(`${name}: ${unknownValueMessage('allowed', value, allowed)}`);
  }
  return value as T;
}

/** A plain object whose keys are all in `allowed` (unknown keys are refused, not ignored). */
export function objectArg(value: unknown, name: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArgumentError(`${name} must be an object, got ${describe(value)}`);
  }
  const unknownKeys = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknownKeys.length > 0) {
    throw new ArgumentError(`${name} has unknown field(s): ${unknownKeys.slice(0, 5).join(', ')}`);
  }
  return value as Record<string, unknown>;
}

export function stringArrayArg(
  value: unknown,
  name: string,
  limits: { maxItems: number; maxLength: number; minLength?: number },
): string[] {
  if (!Array.isArray(value))
    throw new ArgumentError(`${name} must be an array of strings, got ${describe(value)}`);
  if (value.length > limits.maxItems) {
    throw new ArgumentError(`${name} has too many items (${value.length}, at most ${limits.maxItems})`);
  }
  return value.map((item, index) => stringArg(item, `${name}[${index}]`, limits));
}
