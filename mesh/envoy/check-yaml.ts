/**
 * checkEnvoyYaml: checks an Envoy YAML/JSON document (a bootstrap by default, or any
 * message type) with checkEnvoyObject; a YAML syntax error is reported the same way.
 */
import { parse } from 'yaml';
import type { ValidationResult } from '../envoy-api';
import { checkEnvoyObject } from '../envoy-api';

export const BOOTSTRAP_TYPE = 'envoy.config.bootstrap.v3.Bootstrap';

/** checkEnvoyYaml parses text and checks it as `typeName`. */
export function checkEnvoyYaml(text: string, typeName: string = BOOTSTRAP_TYPE): ValidationResult<Record<string, unknown>> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { ok: false, errors: [`YAML: ${(err as Error).message}`] };
  }
  return checkEnvoyObject(typeName, doc);
}
