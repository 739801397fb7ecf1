/**
 * ValidationResult: what every parser of the URL syntax returns. Parsers never throw;
 * they collect every problem, each naming the operation and parameter
 * (`imageView2: w: expected a positive integer, got "abc"`).
 */
export type ValidationResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly string[] };

/** valid wraps a successful value. */
export const valid = <T>(value: T): ValidationResult<T> => ({ ok: true, value });

/** invalid wraps one or more error messages. */
export const invalid = <T>(errors: readonly string[]): ValidationResult<T> => ({ ok: false, errors });

/**
 * ParamError is thrown by the typed parameter parsers (parsePositiveInt, ...) and caught by
 * the option tables, which prefix the operation and parameter names and keep collecting.
 * @private
 */
export class ParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParamError';
  }
}

/** collect runs fn, turning a ParamError into an entry of errors (prefixed) instead of a throw. @private */
export function collect(errors: string[], prefix: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ParamError)) throw err;
    errors.push(`${prefix}: ${err.message}`);
  }
}
