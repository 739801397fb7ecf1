/**
 * process-env: checks the environment a manifest gives one mediamesh process against what
 * the process reads (known-env), and works out which ports that process then serves.
 * Compose and Kubernetes checkers both describe a container as a ProcessContainer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { knownEnvOf, type KnownEnv } from './known-env';

/** EnvValue is a literal, or a value only known at run time (downward API, Secret, interpolation). */
export type EnvValue = { readonly literal: string } | { readonly runtime: string };

/** ProcessContainer is one container running a mediamesh entry point. */
export interface ProcessContainer {
  /** Field path used in messages, e.g. `compose services.image-1`. */
  readonly where: string;
  /** Entry source of the process, e.g. services/image/main.ts (see sourceOfEntry). */
  readonly entry: string;
  /** The whole environment: image ENV first, then the manifest's. */
  readonly env: ReadonlyMap<string, EnvValue>;
  /**
   * Names that come only from the image's ENV (the same for every process): a process may
   * ignore them, so they are parse-checked where read but never reported as unread.
   */
  readonly inherited?: ReadonlySet<string>;
}

/** ServedPort is a port a process listens on because of a variable. */
export interface ServedPort {
  readonly port: number;
  readonly protocol: 'grpc' | 'http';
  readonly variable: string;
  /** The bind address in effect (from hostVariable or its fallback). */
  readonly host?: string;
  readonly hostVariable?: string;
}

/**
 * PORT_VARIABLES: variables that make a process listen, with their protocol and bind-address
 * variable. `required` ports must be fixed in a container (0 = a random port); optional ones
 * (metrics) may stay off (a negative value). MEDIAMESH_PORT is a shared runtime variable every
 * process parses, but only processes that define a gRPC service (a ServiceDefinition, with its
 * protoFiles) serve gRPC on it: the gateway runs on the same service host with its HTTP server as
 * the transport, on MEDIAMESH_GATEWAY_PORT. Hence servedWhen: found in the process's own sources
 * (outside services/runtime and core/, which define the host).
 */
export const PORT_VARIABLES: Record<string, { protocol: 'grpc' | 'http'; hostVariable: string; required: boolean; servedWhen?: RegExp }> = {
  MEDIAMESH_PORT: { protocol: 'grpc', hostVariable: 'MEDIAMESH_HOST', required: true, servedWhen: /\bprotoFiles\s*:/ },
  MEDIAMESH_GATEWAY_PORT: { protocol: 'http', hostVariable: 'MEDIAMESH_GATEWAY_HOST', required: true },
  MEDIAMESH_XDS_PORT: { protocol: 'grpc', hostVariable: 'MEDIAMESH_CP_HOST', required: true },
  MEDIAMESH_CP_STATUS_PORT: { protocol: 'http', hostVariable: 'MEDIAMESH_CP_STATUS_HOST', required: true },
  MEDIAMESH_METRICS_PORT: { protocol: 'http', hostVariable: 'MEDIAMESH_METRICS_HOST', required: false },
};

export interface ProcessCheck {
  readonly errors: string[];
  readonly ports: ServedPort[];
  readonly known: KnownEnv;
  /**
   * registers: the process registers itself in ZooKeeper when MEDIAMESH_ZK is set (it runs the
   * runtime's hooks: through runMain/runService, or hookFactories() directly), so
   * its MEDIAMESH_ADVERTISE_ADDRESS must be an address other hosts reach it at.
   */
  readonly registers: boolean;
}

const literalOf = (v: EnvValue | undefined): string | undefined => (v && 'literal' in v && v.literal !== '' ? v.literal : undefined);

/** checkProcessEnv reports unknown MEDIAMESH_ names, MEDIAMESH_/OTEL_ values the process would reject, and unfixed ports. */
export async function checkProcessEnv(root: string, c: ProcessContainer): Promise<ProcessCheck> {
  const known = await knownEnvOf(root, c.entry);
  const errors: string[] = [];
  for (const [name, value] of c.env) {
    if (!/^(MEDIAMESH|OTEL)_/.test(name)) continue;
    const spec = known.lookup(name);
    // Standard OTEL_* variables are also read by the SDK itself: only values are checked, where a spec exists.
    if (!spec && (c.inherited?.has(name) || name.startsWith('OTEL_'))) continue;
    if (!spec) {
      errors.push(`${c.where}: ${name} is not read by ${c.entry} (no spec or env read of it in any source reachable from it)`);
      continue;
    }
    const raw = literalOf(value);
    if (raw === undefined || !spec.parse) continue;
    try {
      spec.parse(raw.trim());
    } catch (err) {
      errors.push(`${c.where}: ${name}=${JSON.stringify(raw)} would stop ${c.entry}: ${(err as Error).message}`);
    }
  }
  const ports: ServedPort[] = [];
  for (const [variable, role] of Object.entries(PORT_VARIABLES)) {
    const spec = known.variables.get(variable);
    if (!spec || (role.servedWhen && !servesThrough(root, known, role.servedWhen))) continue;
    const raw = literalOf(c.env.get(variable));
    let port = spec.fallback;
    try {
      if (raw !== undefined) port = spec.parse ? spec.parse(raw.trim()) : Number(raw);
    } catch {
      continue; // reported above as a value the process rejects
    }
    if (typeof port !== 'number' || (!role.required && port < 0)) continue;
    if (port <= 0) {
      errors.push(`${c.where}: ${variable} is unset or 0 (a random port): a container needs a fixed port`);
      continue;
    }
    const hostSpec = known.variables.get(role.hostVariable);
    const host = literalOf(c.env.get(role.hostVariable)) ?? (typeof hostSpec?.fallback === 'string' ? hostSpec.fallback : undefined);
    ports.push({ port, protocol: role.protocol, variable, host, hostVariable: role.hostVariable });
  }
  const registers = !!literalOf(c.env.get('MEDIAMESH_ZK')) && servesThrough(root, known, /\b(run(Main|Service)|hookFactories)\(/);
  return { errors, ports, known, registers };
}

function servesThrough(root: string, known: KnownEnv, call: RegExp): boolean {
  return known.sources.some((f) => !f.startsWith('services/runtime/') && !f.startsWith('core/') && call.test(fs.readFileSync(path.join(root, f), 'utf8')));
}

/** LOOPBACK tells whether a bind address only accepts connections from inside the container. */
export const isLoopback = (host: string | undefined): boolean => !!host && (/^127\./.test(host) || host === '::1' || host === 'localhost');
