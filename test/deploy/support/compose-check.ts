/**
 * compose-check: deploy/docker-compose.yml against the code. Every mediamesh container runs a
 * built entry with variables its process reads (values it accepts), advertises its own static
 * address, publishes and health-checks ports it serves, and has an Envoy sidecar when it runs
 * in envoy mode; every sidecar's bootstrap passes the Envoy-proto checker and dials a control
 * plane port that is served.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkBootstrap, sidecarAgreement } from './envoy-bootstrap';
import { checkEntryBuilt, entryOf, type EntryCommand } from './entry-command';
import { checkProcessEnv, isLoopback, type EnvValue, type ServedPort } from './process-env';
import { asList, asObj, isObj, readYaml } from './yaml-files';

export interface DeployContext {
  readonly root: string;
  /** ENV of the mediamesh image (Dockerfile runtime stage). */
  readonly imageEnv: ReadonlyMap<string, EnvValue>;
}

/** interpolate resolves compose `${VAR:-default}` / `${VAR-default}` to the default (what runs when unset). */
export function interpolate(v: string): EnvValue {
  if (!v.includes('${')) return { literal: v };
  const m = /^\$\{[A-Z0-9_]+:?-(.*)\}$/.exec(v);
  return m ? { literal: m[1] } : { runtime: v };
}

const isMediameshImage = (image: string) => /^mediamesh(:|$)/.test(image) || /\/mediamesh(:|$)/.test(image);
const isEnvoyImage = (image: string) => /^envoyproxy\/envoy(-distroless)?:/.test(image);

function envMap(environment: unknown): Map<string, EnvValue> {
  const out = new Map<string, EnvValue>();
  if (Array.isArray(environment)) {
    for (const e of environment.map(String)) {
      const i = e.indexOf('=');
      out.set(i < 0 ? e : e.slice(0, i), i < 0 ? { runtime: e } : interpolate(e.slice(i + 1)));
    }
  } else for (const [k, v] of Object.entries(asObj(environment))) out.set(k, interpolate(v === null ? '' : String(v)));
  return out;
}

/** healthcheckTarget reads `node deploy/healthcheck.js grpc <port>` / `http <url>` from a healthcheck test. */
function healthcheckTarget(test: unknown): { protocol: 'grpc' | 'http'; port: number } | undefined {
  const words = asList(test).map(String);
  const i = words.findIndex((w) => /healthcheck\.js$/.test(w));
  if (i < 0) return undefined;
  const [kind, target] = [words[i + 1], words[i + 2] ?? ''];
  if (kind === 'grpc') return { protocol: 'grpc', port: Number(/(\d+)$/.exec(target)?.[1]) };
  if (kind === 'http') return { protocol: 'http', port: Number(/^https?:\/\/[^/:]+:(\d+)/.exec(target)?.[1] ?? 80) };
  return undefined;
}

interface App {
  readonly name: string;
  readonly entry: EntryCommand;
  readonly ports: ServedPort[];
  readonly env: Map<string, EnvValue>;
  readonly zoneFallback?: unknown;
}

/** zoneOf is the MEDIAMESH_ZONE a process runs in (its value or the spec's fallback); undefined when not literal. */
export function zoneOf(env: ReadonlyMap<string, EnvValue>, fallback: unknown): string | undefined {
  const v = env.get('MEDIAMESH_ZONE');
  if (v && 'literal' in v && v.literal) return v.literal;
  if (v && 'runtime' in v) return undefined;
  return typeof fallback === 'string' ? fallback : undefined;
}

/** checkCompose returns every problem of a compose file; composeFile locates relative mounts. */
export async function checkCompose(ctx: DeployContext, composeFile: string): Promise<string[]> {
  const parsed = readYaml(composeFile, path.relative(ctx.root, composeFile));
  if (parsed.errors.length) return parsed.errors;
  const doc = asObj(parsed.docs[0]);
  const where = path.relative(ctx.root, composeFile);
  const errors: string[] = [];
  const services = asObj(doc.services);
  const apps = new Map<string, App>();
  const hostOk = (host: string, ref: string) => {
    if (!(host in services)) errors.push(`${ref}: host ${host} is not a compose service`);
  };

  for (const [name, raw] of Object.entries(services)) {
    const s = asObj(raw);
    const at = `${where} services.${name}`;
    const imageRef = interpolate(String(s.image ?? ''));
    const image = 'literal' in imageRef ? imageRef.literal : String(s.image);
    if (!s.image) errors.push(`${at}: no image`);
    else if (!/:[^/]+$/.test(image) || /:latest$/.test(image)) errors.push(`${at}: image ${image} is not pinned to a tag`);
    for (const dep of Object.keys(isObj(s.depends_on) ? s.depends_on : {})) if (!(dep in services)) errors.push(`${at}: depends_on ${dep} is not a service`);
    for (const net of Object.keys(asObj(s.networks))) if (!(net in asObj(doc.networks))) errors.push(`${at}: network ${net} is not declared`);
    for (const v of asList(s.volumes).map(String)) {
      const src = v.split(':')[0];
      if (src.startsWith('.') || src.startsWith('/')) {
        if (!fs.existsSync(path.resolve(path.dirname(composeFile), src))) errors.push(`${at}: bind mount source ${src} does not exist`);
      } else if (!(src in asObj(doc.volumes))) errors.push(`${at}: volume ${src} is not declared`);
    }
    if (!isMediameshImage(image)) continue;

    const entry = entryOf(asList(s.command), at, errors);
    if (!entry) continue;
    errors.push(...checkEntryBuilt(ctx.root, entry, at));
    if (!fs.existsSync(path.join(ctx.root, entry.source))) continue;
    const own = envMap(s.environment);
    const env = new Map([...ctx.imageEnv, ...own]);
    const inherited = new Set([...ctx.imageEnv.keys()].filter((k) => !own.has(k)));
    const proc = await checkProcessEnv(ctx.root, { where: at, entry: entry.source, env, inherited });
    errors.push(...proc.errors);
    apps.set(name, { name, entry, ports: proc.ports, env, zoneFallback: proc.known.variables.get('MEDIAMESH_ZONE')?.fallback });

    const advertised = env.get('MEDIAMESH_ADVERTISE_ADDRESS');
    const addresses = Object.values(asObj(s.networks)).map((n) => asObj(n).ipv4_address).filter(Boolean).map(String);
    if (proc.registers) {
      const adv = advertised && 'literal' in advertised ? advertised.literal : undefined;
      if (!adv || !addresses.includes(adv)) errors.push(`${at}: registers in ZooKeeper but MEDIAMESH_ADVERTISE_ADDRESS (${adv ?? 'unset'}) is not its static ipv4_address (${addresses.join(', ') || 'none'})`);
    }
    for (const p of asList(s.ports).map(String)) {
      const containerPort = Number(/(\d+)(?:\/\w+)?$/.exec(p)?.[1]);
      const served = proc.ports.find((x) => x.port === containerPort);
      if (!served) errors.push(`${at}: publishes container port ${containerPort}, which it does not serve (serves ${proc.ports.map((x) => x.port).join(', ') || 'nothing'})`);
      else if (isLoopback(served.host)) errors.push(`${at}: publishes port ${containerPort} but ${served.hostVariable} binds ${served.host}`);
    }
    const hc = healthcheckTarget(asObj(s.healthcheck).test);
    if (hc && !proc.ports.some((x) => x.port === hc.port && x.protocol === hc.protocol)) errors.push(`${at}: healthcheck probes ${hc.protocol} port ${hc.port}, which it does not serve as ${hc.protocol}`);
    for (const [key, value] of env) {
      if (!('literal' in value) || !value.literal) continue;
      if (key === 'MEDIAMESH_ZK') for (const hp of value.literal.split(',')) hostOk(hp.split(':')[0], `${at} ${key}`);
      if (key === 'OTEL_EXPORTER_OTLP_ENDPOINT') hostOk(new URL(value.literal).hostname, `${at} ${key}`);
    }
  }

  // Sidecars: an Envoy sharing an app's network namespace, with a checked bootstrap.
  const sidecarOf = new Map<string, string>();
  for (const [name, raw] of Object.entries(services)) {
    const s = asObj(raw);
    if (!isEnvoyImage(String(s.image ?? ''))) continue;
    const at = `${where} services.${name}`;
    const app = /^service:(.+)$/.exec(String(s.network_mode ?? ''))?.[1];
    if (!app || !isMediameshImage(String(asObj(services[app]).image ?? '').replace(/^\$\{[A-Z0-9_]+:?-(.*)\}$/, '$1'))) {
      errors.push(`${at}: an Envoy sidecar needs network_mode service:<mediamesh service> (found ${String(s.network_mode)})`);
      continue;
    }
    if (!apps.has(app)) continue; // its app could not be checked (reported above)
    sidecarOf.set(app, name);
    const argv = asList(s.command).map(String);
    const config = argv[argv.indexOf('-c') + 1];
    const mount = asList(s.volumes).map(String).find((v) => v.split(':')[1] === config);
    if (argv.indexOf('-c') < 0 || !mount) {
      errors.push(`${at}: command must pass -c <bootstrap> mounted from deploy/envoy`);
      continue;
    }
    const file = path.resolve(path.dirname(composeFile), mount.split(':')[0]);
    if (!fs.existsSync(file)) continue; // reported with the mounts above
    const y = readYaml(file, path.relative(ctx.root, file));
    errors.push(...y.errors);
    if (y.errors.length) continue;
    const b = checkBootstrap(y.docs[0], `${path.relative(ctx.root, file)} (${name})`);
    errors.push(...b.errors);
    for (const x of b.facts.xds) {
      const cp = apps.get(x.host);
      if (!cp || !cp.ports.some((p) => p.port === x.port && p.protocol === 'grpc')) errors.push(`${at}: bootstrap dials the control plane at ${x.host}:${x.port}, which no compose service serves`);
    }
    for (const u of b.facts.upstreams) hostOk(u.host, `${at} bootstrap cluster ${u.cluster}`);
    const a = apps.get(app)!;
    const service = path.basename(path.dirname(a.entry.source));
    if (b.facts.appPort !== undefined && !a.ports.some((p) => p.port === b.facts.appPort && p.protocol === 'grpc')) errors.push(`${at}: bootstrap APP_PORT ${b.facts.appPort} is not a gRPC port ${app} serves`);
    const zone = zoneOf(a.env, a.zoneFallback);
    if (zone !== undefined && b.facts.zone !== zone) errors.push(`${at}: bootstrap zone ${JSON.stringify(b.facts.zone)} but ${app} runs in MEDIAMESH_ZONE ${zone}`);
    if (b.facts.appService !== undefined && b.facts.appService !== service) errors.push(`${at}: bootstrap APP_SERVICE ${b.facts.appService} but ${app} runs ${service}`);
    errors.push(...sidecarAgreement(b.facts, String(s.image), a.env, at));
  }
  for (const a of apps.values()) {
    const mode = a.env.get('MEDIAMESH_MESH_MODE');
    if (mode && 'literal' in mode && mode.literal === 'envoy' && !sidecarOf.has(a.name)) errors.push(`${where} services.${a.name}: MEDIAMESH_MESH_MODE=envoy without an Envoy sidecar (network_mode service:${a.name})`);
  }
  return errors;
}
