/**
 * envoy-protos: Envoy's own API protos, loaded once from the `deps/` folder shipped inside
 * @grpc/grpc-js-xds (no vendored copy of ours). One protobufjs Root serves three users:
 * the ADS server (encoding resources into Any, any.ts), the Envoy checker (field-by-field
 * reflection, schema-check.ts) and the status dump (decoding Any back to JSON). This
 * folder is the bottom of mesh/: the control plane and mesh/envoy both import it, it
 * imports neither.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

/** TYPE_URL holds the type URLs of every resource and typed config we emit. */
export const TYPE_URL = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  hcm: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  fault: 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
  otel: 'type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  previousHosts: 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  previousPriorities: 'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig',
} as const;

/** ENVOY_PROTO_FILES are the entry files; imports pull in the rest. */
export const ENVOY_PROTO_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/config/trace/v3/opentelemetry.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config.proto',
];

/** envoyProtoDirs are the include directories inside grpc-js-xds's deps/. */
export function envoyProtoDirs(): string[] {
  const deps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  const dirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(deps, d));
  // google/protobuf/descriptor.proto (used by validate/annotations) ships with protobufjs.
  dirs.push(path.dirname(require.resolve('protobufjs/package.json')));
  return dirs;
}

let root: protobuf.Root | undefined;

/** envoyRoot returns the shared protobufjs Root (keepCase: snake_case field names as in Envoy YAML). */
export function envoyRoot(): protobuf.Root {
  if (root) return root;
  const dirs = envoyProtoDirs();
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    for (const d of dirs) {
      const p = path.join(d, target);
      if (fs.existsSync(p)) return p;
    }
    return target;
  };
  r.loadSync(ENVOY_PROTO_FILES, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

/** typeNameOf strips the type.googleapis.com/ prefix. */
export function typeNameOf(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/** lookupType returns the message type for a type URL, or undefined when Envoy's protos do not know it. */
export function lookupType(typeUrl: string): protobuf.Type | undefined {
  try {
    return envoyRoot().lookupType(typeNameOf(typeUrl));
  } catch {
    return undefined;
  }
}
