/**
 * k8s-check: deploy/k8s against the code and against itself. mediamesh containers run built
 * entries with variables their process reads (values it accepts, from env, ConfigMaps and
 * Secrets), declare exactly the ports they serve, and are probed (gRPC health for gRPC, HTTP
 * for the gateway) on those ports; Envoy sidecars load a bootstrap from a ConfigMap that passes
 * the Envoy-proto checker and dials a Service port; Services target declared container ports;
 * every container has resource requests and limits; kustomization lists every file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENVOY_INBOUND_PORT } from '../../../mesh/control-plane/translate/names';
import { zoneOf, type DeployContext } from './compose-check';
import { checkBootstrap, sidecarAgreement } from './envoy-bootstrap';
import { checkEntryBuilt, entryOf } from './entry-command';
import { loadK8s, podTemplateLabels, selects, type K8sIndex, type K8sObject } from './k8s-index';
import { checkProcessEnv, isLoopback, type EnvValue, type ProcessCheck } from './process-env';
import { asList, asObj, parseYaml, type Obj } from './yaml-files';

/** AppContainer is the checked mediamesh container of a pod (its sidecar is checked against it). */
interface AppContainer {
  readonly proc: ProcessCheck;
  readonly service: string;
  readonly env: ReadonlyMap<string, EnvValue>;
}

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'] as const;
const isMediameshImage = (image: string) => /^(.*\/)?mediamesh(:|$)/.test(image);
const isEnvoyImage = (image: string) => /^envoyproxy\/envoy(-distroless)?:/.test(image);

/** resolvePort turns a probe/Service port (number or name) into a container port number. */
function resolvePort(container: Obj, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  const p = asList(container.ports).map(asObj).find((x) => x.name === port);
  return p ? Number(p.containerPort) : undefined;
}

function probePort(probe: Obj): { kind: 'grpc' | 'http' | 'tcp'; port: unknown } | undefined {
  if (probe.grpc) return { kind: 'grpc', port: asObj(probe.grpc).port };
  if (probe.httpGet) return { kind: 'http', port: asObj(probe.httpGet).port };
  if (probe.tcpSocket) return { kind: 'tcp', port: asObj(probe.tcpSocket).port };
  return undefined;
}

/** envOf assembles a container's environment: image ENV, envFrom, env (later wins, as in Kubernetes). */
function envOf(ctx: DeployContext, index: K8sIndex, c: Obj, at: string, errors: string[]): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>(ctx.imageEnv);
  for (const from of asList(c.envFrom).map(asObj)) {
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const name = String(asObj(from.configMapRef ?? from.secretRef).name);
    const data = index.dataOf(kind, name);
    if (!data) errors.push(`${at}: envFrom ${kind} ${name} does not exist`);
    for (const [k, v] of Object.entries(data ?? {})) env.set(k, { literal: String(v) });
  }
  for (const e of asList(c.env).map(asObj)) {
    const vf = asObj(e.valueFrom);
    const field = asObj(vf.fieldRef).fieldPath;
    const keyRef = asObj(vf.configMapKeyRef ?? vf.secretKeyRef);
    if (keyRef.name) {
      const kind = vf.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const value = index.dataOf(kind, String(keyRef.name))?.[String(keyRef.key)];
      if (value === undefined) errors.push(`${at}: env ${String(e.name)} refers to missing ${kind} key ${String(keyRef.name)}/${String(keyRef.key)}`);
      else env.set(String(e.name), { literal: String(value) });
      continue;
    }
    env.set(String(e.name), e.valueFrom ? { runtime: field ? `fieldRef:${String(field)}` : 'valueFrom' } : { literal: String(e.value ?? '') });
  }
  return env;
}

/** checkProcessContainer checks one mediamesh container; returns its process check for the pod's sidecar checks. */
async function checkProcessContainer(ctx: DeployContext, index: K8sIndex, c: Obj, at: string, errors: string[]): Promise<AppContainer | undefined> {
  const entry = entryOf([...asList(c.command), ...asList(c.args)], at, errors);
  if (!entry) return undefined;
  errors.push(...checkEntryBuilt(ctx.root, entry, at));
  if (!fs.existsSync(path.join(ctx.root, entry.source))) return undefined;
  const env = envOf(ctx, index, c, at, errors);
  const inherited = new Set([...ctx.imageEnv.keys()].filter((k) => env.get(k) === ctx.imageEnv.get(k)));
  const proc = await checkProcessEnv(ctx.root, { where: at, entry: entry.source, env, inherited });
  errors.push(...proc.errors);
  const declared = asList(c.ports).map((p) => Number(asObj(p).containerPort));
  for (const port of declared) if (!proc.ports.some((p) => p.port === port)) errors.push(`${at}: containerPort ${port} is not served (serves ${proc.ports.map((p) => `${p.port} from ${p.variable}`).join(', ') || 'nothing'})`);
  for (const p of proc.ports) if (!declared.includes(p.port)) errors.push(`${at}: serves port ${p.port} (${p.variable}) but does not declare it as a containerPort`);
  for (const kind of ['readinessProbe', 'livenessProbe']) if (!c[kind]) errors.push(`${at}: no ${kind}`);
  for (const kind of PROBES) {
    const pp = c[kind] ? probePort(asObj(c[kind])) : undefined;
    if (!pp) continue;
    const port = resolvePort(c, pp.port);
    const served = proc.ports.find((p) => p.port === port);
    if (!served) errors.push(`${at}: ${kind} hits port ${String(pp.port)}, which the process does not serve`);
    else if (pp.kind !== 'tcp' && pp.kind !== served.protocol) errors.push(`${at}: ${kind} is a ${pp.kind} probe on ${served.protocol} port ${served.port} (${served.variable})`);
    else if (isLoopback(served.host)) errors.push(`${at}: ${kind} hits port ${served.port}, but ${served.hostVariable} binds ${served.host} (unreachable from the kubelet)`);
  }
  const adv = env.get('MEDIAMESH_ADVERTISE_ADDRESS');
  if (proc.registers && !(adv && 'runtime' in adv && adv.runtime === 'fieldRef:status.podIP')) {
    errors.push(`${at}: registers in ZooKeeper, so MEDIAMESH_ADVERTISE_ADDRESS must come from fieldRef status.podIP`);
  }
  for (const [key, v] of env) {
    if (!('literal' in v) || !v.literal) continue;
    const refs = key === 'MEDIAMESH_ZK' ? v.literal.split(',') : key === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? [new URL(v.literal).host] : [];
    for (const hp of refs) {
      const [host, port] = hp.split(':');
      if (!index.hostPortServed(host, Number(port))) errors.push(`${at}: ${key} names ${hp}, which is no Service port here`);
    }
  }
  const service = path.basename(path.dirname(entry.source));
  return { proc, service, env };
}

/** checkSidecar checks an Envoy sidecar and its bootstrap ConfigMap. */
function checkSidecar(index: K8sIndex, podSpec: Obj, c: Obj, app: AppContainer | undefined, at: string, errors: string[]): void {
  const argv = [...asList(c.command), ...asList(c.args)].map(String);
  const config = argv[argv.indexOf('-c') + 1];
  const mount = asList(c.volumeMounts).map(asObj).find((m) => config && (config === m.mountPath || path.dirname(config) === m.mountPath));
  const volume = asList(podSpec.volumes).map(asObj).find((v) => mount && v.name === mount.name);
  const cm = asObj(volume?.configMap);
  if (argv.indexOf('-c') < 0 || !mount || !cm.name) return void errors.push(`${at}: Envoy needs -c <bootstrap> from a mounted ConfigMap`);
  const item = asList(cm.items).map(asObj).find((i) => i.path === path.basename(config));
  const key = String(mount.subPath ?? item?.key ?? path.basename(config));
  const text = index.dataOf('ConfigMap', String(cm.name))?.[key];
  if (text === undefined) return void errors.push(`${at}: ConfigMap ${String(cm.name)} has no key ${key}`);
  const where = `ConfigMap ${String(cm.name)} ${key}`;
  const y = parseYaml(text, where);
  errors.push(...y.errors);
  if (y.errors.length) return;
  const b = checkBootstrap(y.docs[0], where);
  errors.push(...b.errors);
  for (const x of b.facts.xds) if (!index.hostPortServed(x.host, x.port)) errors.push(`${at}: bootstrap dials the control plane at ${x.host}:${x.port}, which is no Service port`);
  for (const u of b.facts.upstreams) if (!index.hostPortServed(u.host, u.port)) errors.push(`${at}: bootstrap cluster ${u.cluster} dials ${u.host}:${u.port}, which is no Service port`);
  if (app && b.facts.appPort !== undefined && !app.proc.ports.some((p) => p.port === b.facts.appPort && p.protocol === 'grpc')) errors.push(`${at}: bootstrap APP_PORT ${b.facts.appPort} is not a gRPC port of the app container`);
  const zone = app ? zoneOf(app.env, app.proc.known.variables.get('MEDIAMESH_ZONE')?.fallback) : undefined;
  if (zone !== undefined && b.facts.zone !== zone) errors.push(`${at}: bootstrap zone ${JSON.stringify(b.facts.zone)} but the app runs in MEDIAMESH_ZONE ${zone}`);
  if (app && b.facts.appService !== undefined && b.facts.appService !== app.service) errors.push(`${at}: bootstrap APP_SERVICE ${b.facts.appService} but the pod runs ${app.service}`);
  errors.push(...sidecarAgreement(b.facts, String(c.image), app?.env, at));
  const declared = asList(c.ports).map((p) => Number(asObj(p).containerPort));
  if (declared.includes(ENVOY_INBOUND_PORT) && b.facts.appPort === undefined) errors.push(`${at}: declares inbound port ${ENVOY_INBOUND_PORT} but its bootstrap names no APP_PORT, so the control plane sends no inbound listener`);
  for (const kind of PROBES) {
    const pp = c[kind] ? probePort(asObj(c[kind])) : undefined;
    if (pp && resolvePort(c, pp.port) !== ENVOY_INBOUND_PORT) errors.push(`${at}: ${kind} must hit the inbound listener ${ENVOY_INBOUND_PORT} (the other listeners are on 127.0.0.1)`);
  }
}

async function checkWorkload(ctx: DeployContext, index: K8sIndex, w: K8sObject, errors: string[]): Promise<void> {
  const spec = asObj(w.body.spec);
  const podSpec = asObj(asObj(spec.template).spec);
  const at0 = `${w.file} ${w.kind}/${w.name}`;
  if (!selects(asObj(asObj(spec.selector).matchLabels), podTemplateLabels(w))) errors.push(`${at0}: selector.matchLabels does not select its pod template`);
  const volumes = asList(podSpec.volumes).map(asObj);
  const claims = asList(spec.volumeClaimTemplates).map((t) => String(asObj(asObj(t).metadata).name));
  for (const v of volumes) {
    if (v.configMap && !index.get('ConfigMap', String(asObj(v.configMap).name))) errors.push(`${at0}: volume ${String(v.name)} uses missing ConfigMap ${String(asObj(v.configMap).name)}`);
    for (const item of asList(asObj(v.configMap).items).map(asObj)) {
      if (!(String(item.key) in (index.dataOf('ConfigMap', String(asObj(v.configMap).name)) ?? {}))) errors.push(`${at0}: volume ${String(v.name)} item ${String(item.key)} is not in the ConfigMap`);
    }
    if (v.persistentVolumeClaim && !index.get('PersistentVolumeClaim', String(asObj(v.persistentVolumeClaim).claimName))) errors.push(`${at0}: volume ${String(v.name)} claims a missing PVC`);
  }
  const all = [...asList(podSpec.initContainers), ...asList(podSpec.containers)].map(asObj);
  let app: AppContainer | undefined;
  let mode: string | undefined;
  for (const c of asList(podSpec.containers).map(asObj)) {
    const at = `${at0} container ${String(c.name)}`;
    if (!isMediameshImage(String(c.image))) continue;
    app = await checkProcessContainer(ctx, index, c, at, errors);
    const m = [...asList(c.env)].map(asObj).find((e) => e.name === 'MEDIAMESH_MESH_MODE')?.value;
    const fromCm = asList(c.envFrom).map(asObj).map((f) => index.dataOf('ConfigMap', String(asObj(f.configMapRef).name))?.MEDIAMESH_MESH_MODE).find(Boolean);
    mode = String(m ?? fromCm ?? '');
  }
  const sidecars = all.filter((c) => isEnvoyImage(String(c.image)));
  if (mode === 'envoy' && sidecars.length === 0) errors.push(`${at0}: MEDIAMESH_MESH_MODE=envoy without an Envoy sidecar container`);
  for (const c of all) {
    const at = `${at0} container ${String(c.name)}`;
    const res = asObj(c.resources);
    for (const k of ['requests', 'limits']) for (const r of ['cpu', 'memory']) if (!asObj(res[k])[r]) errors.push(`${at}: resources.${k}.${r} is not set`);
    for (const m of asList(c.volumeMounts).map(asObj)) if (!volumes.some((v) => v.name === m.name) && !claims.includes(String(m.name))) errors.push(`${at}: volumeMount ${String(m.name)} names no volume`);
    if (!/:[^/]+$/.test(String(c.image)) && !isMediameshImage(String(c.image))) errors.push(`${at}: image ${String(c.image)} is not pinned to a tag`);
    if (isEnvoyImage(String(c.image))) {
      if (asList(podSpec.initContainers).includes(c) && c.restartPolicy !== 'Always') errors.push(`${at}: an Envoy init container must be a native sidecar (restartPolicy: Always)`);
      checkSidecar(index, podSpec, c, app, at, errors);
    } else if (!isMediameshImage(String(c.image))) {
      for (const kind of PROBES) {
        const pp = c[kind] ? probePort(asObj(c[kind])) : undefined;
        if (pp && resolvePort(c, pp.port) === undefined) errors.push(`${at}: ${kind} port ${String(pp.port)} is not a declared containerPort`);
        else if (pp && !asList(c.ports).some((p) => Number(asObj(p).containerPort) === resolvePort(c, pp.port))) errors.push(`${at}: ${kind} port ${String(pp.port)} is not a declared containerPort`);
      }
    }
  }
}

function checkServices(index: K8sIndex, errors: string[]): void {
  for (const s of index.objects.filter((o) => o.kind === 'Service')) {
    const at = `${s.file} Service/${s.name}`;
    const selector = asObj(asObj(s.body.spec).selector);
    const targets = index.workloads.filter((w) => selects(selector, podTemplateLabels(w)));
    if (targets.length === 0) errors.push(`${at}: selector matches no workload's pods`);
    for (const w of targets) {
      const pod = asObj(asObj(asObj(w.body.spec).template).spec);
      const containers = [...asList(pod.containers), ...asList(pod.initContainers)].map(asObj);
      for (const p of asList(asObj(s.body.spec).ports).map(asObj)) {
        const target = p.targetPort ?? p.port;
        const ok = containers.some((c) => {
          const n = resolvePort(c, target);
          return n !== undefined && asList(c.ports).some((x) => Number(asObj(x).containerPort) === n);
        });
        if (!ok) errors.push(`${at}: port ${String(p.port)} targets ${String(target)}, which no container of ${w.kind}/${w.name} declares`);
      }
    }
  }
}

function checkKustomization(root: string, dir: string, errors: string[]): void {
  const file = path.join(dir, 'kustomization.yaml');
  const rel = path.relative(root, file);
  if (!fs.existsSync(file)) return void errors.push(`${rel}: missing`);
  const y = parseYaml(fs.readFileSync(file, 'utf8'), rel);
  errors.push(...y.errors);
  const resources = asList(asObj(y.docs[0]).resources).map(String);
  for (const r of resources) if (!fs.existsSync(path.join(dir, r))) errors.push(`${rel}: resource ${r} does not exist`);
  for (const f of fs.readdirSync(dir).filter((x) => /\.ya?ml$/.test(x) && x !== 'kustomization.yaml')) if (!resources.includes(f)) errors.push(`${rel}: ${f} is not listed in resources`);
}

/** checkK8s returns every problem of the manifests in dir. */
export async function checkK8s(ctx: DeployContext, dir: string): Promise<string[]> {
  const index = loadK8s(ctx.root, dir);
  const errors = [...index.errors];
  checkKustomization(ctx.root, dir, errors);
  for (const w of index.workloads) await checkWorkload(ctx, index, w, errors);
  checkServices(index, errors);
  return errors;
}
