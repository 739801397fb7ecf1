/**
 * Shared pieces of the video URL operations (vframe, avthumb, hls, avinfo): splitting
 * "<name>/<arg>/<key>/<value>/..." into pairs, typed value parsers, and the
 * ValidationResult shape that collects every error instead of stopping at the first.
 */

import { invalid, valid, type ValidationResult } from './validation';

/** VideoValidationResult is the shared ValidationResult (fop/validation.ts): a value, or every problem found. */
export type VideoValidationResult<T> = ValidationResult<T>;

/** FopPairs is an operation split into its name, its positional argument and key/value pairs. */
export interface FopPairs {
  readonly name: string;
  /** The token right after the name (vframe's format, avthumb's container), if the operation takes one. */
  readonly arg: string | undefined;
  readonly pairs: ReadonlyArray<readonly [key: string, value: string]>;
}

/**
 * splitFop splits "name[/arg]/k/v/k/v[/]" (a trailing "/" is ignored, as SDKs add one).
 * An odd number of tokens after the argument is reported as a missing value.
 */
export function splitFop(text: string, withArg: boolean, errors: string[]): FopPairs {
  const tokens = text.split('/');
  if (tokens.length > 1 && tokens[tokens.length - 1] === '') tokens.pop();
  const name = tokens[0] ?? '';
  const arg = withArg ? tokens[1] : undefined;
  const rest = tokens.slice(withArg ? 2 : 1);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < rest.length; i += 2) {
    if (i + 1 >= rest.length) {
      errors.push(`${name}/${rest[i]}: missing value`);
      break;
    }
    pairs.push([rest[i]!, rest[i + 1]!]);
  }
  return { name, arg, pairs };
}

/** parseSeconds reads a non-negative number of seconds with at most millisecond precision ("2.5"). */
export function parseSeconds(where: string, raw: string, errors: string[]): number {
  if (!/^\d+(\.\d{1,3})?$/.test(raw)) {
    errors.push(`${where}: expected seconds such as 3 or 2.5 (at most 3 decimals), got "${raw}"`);
    return 0;
  }
  return Number(raw);
}

/** parseIntIn reads an integer within [min, max]. */
export function parseIntIn(where: string, raw: string, min: number, max: number, errors: string[]): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    errors.push(`${where}: expected an integer from ${min} to ${max}, got "${raw}"`);
    return 0;
  }
  return Number(raw);
}

/** parseBitrate reads "128k", "1.25m" or "800000" (bits per second; k = 1000). */
export function parseBitrate(where: string, raw: string, errors: string[]): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(raw);
  const value = m ? Math.round(Number(m[1]) * (m[2]!.toLowerCase() === 'm' ? 1e6 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1)) : NaN;
  if (!m || !(value >= 1000) || value > 200e6) {
    errors.push(`${where}: expected a bitrate such as 800k or 1.5m (1k..200m), got "${raw}"`);
    return 0;
  }
  return value;
}

/** formatBitrate writes the shortest exact form: 1m, 800k, 1500k, 64500. */
export function formatBitrate(bps: number): string {
  if (bps % 1e6 === 0) return `${bps / 1e6}m`;
  if (bps % 1e3 === 0) return `${bps / 1e3}k`;
  return String(bps);
}

/** parseFlag reads "1" or "0". */
export function parseFlag(where: string, raw: string, errors: string[]): boolean {
  if (raw !== '0' && raw !== '1') errors.push(`${where}: expected 1 or 0, got "${raw}"`);
  return raw === '1';
}

/** noteDuplicate records a parameter given twice (ambiguous, so refused). */
export function noteDuplicate(seen: Set<string>, where: string, key: string, errors: string[]): void {
  if (seen.has(key)) errors.push(`${where}: given more than once`);
  seen.add(key);
}

/** result turns collected errors into a VideoValidationResult. */
export function result<T>(value: T, errors: string[]): VideoValidationResult<T> {
  return errors.length ? invalid(errors) : valid(value);
}
