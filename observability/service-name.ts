/**
 * Which mesh service a process is. The launcher and tests set MEDIAMESH_SERVICE_NAME; otherwise the
 * entry path says it: dist/services/<name>/main.js → <name>, dist/mesh/control-plane/main.js →
 * control-plane, dist/mesh/cli/main.js → cli. The OpenTelemetry service.name is then mediamesh-<name>.
 */
import * as path from 'node:path';

/** SERVICE_NAME_PREFIX keeps every mediamesh process together in Jaeger's service list. */
export const SERVICE_NAME_PREFIX = 'mediamesh-';

/** serviceNameFromEntry derives the logical service name from an entry script path (undefined if unknown). */
export function serviceNameFromEntry(entry: string | undefined): string | undefined {
  if (!entry) return undefined;
  const parts = path.resolve(entry).split(path.sep);
  const file = parts[parts.length - 1]?.replace(/\.(c?js|ts)$/, '');
  // <area>/<name>/main.js names the folder; any other script (a test helper) names itself.
  if (file === 'main') return parts[parts.length - 2] || undefined;
  return file || undefined;
}

/** otelServiceName turns a logical name (image) into the resource's service.name (mediamesh-image). */
export function otelServiceName(logical: string): string {
  return logical.startsWith(SERVICE_NAME_PREFIX) ? logical : `${SERVICE_NAME_PREFIX}${logical}`;
}
