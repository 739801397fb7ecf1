/**
 * parseRange: the HTTP Range header (RFC 9110 §14) for one object. Only single ranges
 * are served (first-last, first-, -suffix); a multi-range or malformed header is
 * ignored and the whole object is sent, as the RFC allows.
 */

/** RangeResult: no range to apply, a satisfiable range, or 416. */
export type RangeResult = { kind: 'none' } | { kind: 'range'; offset: number; length: number } | { kind: 'unsatisfiable' };

const SINGLE_RE = /^bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i;

/** parseRange resolves a Range header against an object of `size` bytes. */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return { kind: 'none' };
  const m = SINGLE_RE.exec(header.trim());
  if (!m) return { kind: 'none' };
  const [, first, last] = m;
  if (first === '' && last === '') return { kind: 'none' };
  if (first.length > 15 || last.length > 15) return { kind: 'unsatisfiable' };
  if (first === '') {
    // Suffix: the last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    const length = Math.min(n, size);
    return { kind: 'range', offset: size - length, length };
  }
  const offset = Number(first);
  if (offset >= size) return { kind: 'unsatisfiable' };
  if (last === '') return { kind: 'range', offset, length: size - offset };
  const end = Number(last);
  if (end < offset) return { kind: 'none' }; // syntactically invalid: ignore the header
  return { kind: 'range', offset, length: Math.min(end, size - 1) - offset + 1 };
}

/** contentRange formats Content-Range for a served range. */
export const contentRange = (offset: number, length: number, size: number): string => `bytes ${offset}-${offset + length - 1}/${size}`;
