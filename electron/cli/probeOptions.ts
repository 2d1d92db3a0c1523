/** Option checks shared by the probe, ping and trace commands: a bad value is a usage error (exit 2). */
import { EXIT_USAGE } from '../../shared/errors.js';
import { CliError } from './cliError.js';

export function integerOption(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max)
    throw new CliError(`${flag} must be a whole number from ${min} to ${max}, got "${value}".`, EXIT_USAGE);
  return n;
}
