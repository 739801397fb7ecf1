import { collect } from './validation';

/**
 * splitSegments breaks one command ("imageView2/1/w/200/") into its "/" segments.
 * A trailing "/" is accepted and ignored (the PHP SDK writes one); empty segments
 * elsewhere are reported.
 * @private
 */
export function splitSegments(fop: string, errors: string[], command: string): string[] {
  const parts = fop.split('/');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.slice(1).some((p) => p === '')) errors.push(`${command}: empty parameter ("//") in ${JSON.stringify(fop)}`);
  return parts;
}

/**
 * applyPairs walks "key/value" pairs through a name→apply table, collecting an error per
 * unknown key, missing value or bad value. The table is the command's one place for options.
 * @private
 */
export function applyPairs<T>(
  command: string,
  segments: readonly string[],
  table: Readonly<Record<string, (target: T, raw: string) => void>>,
  target: T,
  errors: string[],
): void {
  for (let i = 0; i < segments.length; i += 2) {
    const key = segments[i];
    const apply = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
    if (!apply) {
      errors.push(`${command}: unknown parameter ${JSON.stringify(key)}`);
      continue;
    }
    if (i + 1 >= segments.length) {
      errors.push(`${command}: ${key}: missing value`);
      continue;
    }
    collect(errors, `${command}: ${key}`, () => apply(target, segments[i + 1]));
  }
}
