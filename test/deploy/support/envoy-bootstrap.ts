/**
 * envoy-bootstrap: checks one Envoy bootstrap (deploy/envoy/*.yaml, ConfigMap payloads) with
 * the project's Envoy-proto checker (mesh/envoy-api/schema-check: field by field against Envoy's
 * API protos) plus what a mediamesh sidecar needs: ADS through a static cluster, node metadata
 * saying it is an Envoy sidecar. It returns the facts the manifest checks cross-check: where
 * the control plane is dialled and which app port the inbound listener fronts.
 */
import { ENVOY_VERSION } from '../../../launcher/envoy';
import { checkEnvoyObject } from '../../../mesh/envoy';
import { ENVOY_INBOUND_PORT } from '../../../mesh/envoy-api';
import type { EnvValue } from './process-env';
import { asList, asObj, isObj } from './yaml-files';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface BootstrapFacts {
  /** Addresses of the cluster ADS uses (the control plane's xDS port). */
  readonly xds: HostPort[];
  /** Addresses of every other static cluster outside the pod (e.g. the OTLP collector). */
  readonly upstreams: Array<HostPort & { cluster: string }>;
  /** node.metadata.APP_SERVICE / APP_PORT: the local app behind the inbound listener. */
  readonly appService?: string;
  readonly appPort?: number;
  /** node.metadata.INBOUND_PORT (15006 when absent): where the mesh reaches the app. */
  readonly inboundPort: number;
  readonly adminPort?: number;
  /** node.locality.zone (the control plane's zone preference groups by it). */
  readonly zone: string;
}

export interface BootstrapCheck {
  readonly errors: string[];
  readonly facts: BootstrapFacts;
}

/** socketAddresses lists the socket addresses of a static cluster's load_assignment. */
function socketAddresses(cluster: Record<string, unknown>): HostPort[] {
  const out: HostPort[] = [];
  for (const ep of asList(asObj(cluster.load_assignment).endpoints)) {
    for (const lb of asList(asObj(ep).lb_endpoints)) {
      const sa = asObj(asObj(asObj(asObj(lb).endpoint).address).socket_address);
      if (typeof sa.address === 'string') out.push({ host: sa.address, port: Number(sa.port_value) });
    }
  }
  return out;
}

/** checkBootstrap validates a parsed bootstrap; where prefixes messages. */
export function checkBootstrap(obj: unknown, where: string): BootstrapCheck {
  const errors: string[] = [];
  const proto = checkEnvoyObject('envoy.config.bootstrap.v3.Bootstrap', obj);
  if (!proto.ok) errors.push(...proto.errors.map((e) => `${where}: ${e}`));
  const b = asObj(obj);
  const node = asObj(b.node);
  const meta = asObj(node.metadata);
  if (!isObj(b.node) || typeof node.id !== 'string' || !node.id) errors.push(`${where}: node.id is required`);
  if (meta.MESH_ROLE !== 'envoy' && meta.MESH_ROLE !== 'sidecar') errors.push(`${where}: node.metadata.MESH_ROLE must say envoy (the control plane sends real listeners only to Envoy nodes)`);
  const ads = asObj(asObj(b.dynamic_resources).ads_config);
  const grpcServices = asList(ads.grpc_services).map((g) => asObj(asObj(g).envoy_grpc).cluster_name);
  const clusters = asList(asObj(b.static_resources).clusters).map(asObj);
  const xds: HostPort[] = [];
  if (grpcServices.length === 0) errors.push(`${where}: dynamic_resources.ads_config.grpc_services names no cluster (no ADS)`);
  for (const name of grpcServices) {
    const c = clusters.find((x) => x.name === name);
    if (!c) errors.push(`${where}: ADS cluster ${String(name)} is not a static cluster`);
    else xds.push(...socketAddresses(c));
  }
  for (const t of ['lds_config', 'cds_config']) {
    if (!isObj(asObj(asObj(b.dynamic_resources)[t]).ads)) errors.push(`${where}: dynamic_resources.${t} must read from ADS`);
  }
  const upstreams = clusters
    .filter((c) => !grpcServices.includes(c.name))
    .flatMap((c) => socketAddresses(c).map((a) => ({ ...a, cluster: String(c.name) })))
    .filter((a) => !/^(127\.|::1$|localhost$)/.test(a.host));
  const appPort = meta.APP_PORT === undefined ? undefined : Number(meta.APP_PORT);
  if (appPort !== undefined && !(Number.isInteger(appPort) && appPort > 0 && appPort < 65536)) errors.push(`${where}: node.metadata.APP_PORT ${JSON.stringify(meta.APP_PORT)} is not a port`);
  const adminPort = Number(asObj(asObj(asObj(b.admin).address).socket_address).port_value) || undefined;
  return {
    errors,
    facts: {
      xds,
      upstreams,
      zone: String(asObj(node.locality).zone ?? ''),
      appService: typeof meta.APP_SERVICE === 'string' ? meta.APP_SERVICE : undefined,
      appPort,
      inboundPort: Number(meta.INBOUND_PORT ?? ENVOY_INBOUND_PORT),
      adminPort,
    },
  };
}

/**
 * sidecarAgreement: what a deployed sidecar must share with its app and with the local mesh: the
 * Envoy version `npm start` and `npm test` run (scripts/envoy-install.sh), and, when it fronts the
 * app, an app that registers the sidecar's inbound port (the address the mesh routes to).
 */
export function sidecarAgreement(facts: BootstrapFacts, image: string, appEnv: ReadonlyMap<string, EnvValue> | undefined, at: string): string[] {
  const errors: string[] = [];
  const tag = /:v?(\d+\.\d+\.\d+)(@|$)/.exec(image)?.[1];
  if (tag !== ENVOY_VERSION) errors.push(`${at}: image ${image} is not Envoy ${ENVOY_VERSION}, the version the local mesh and its tests run`);
  if (facts.appPort !== undefined && appEnv) {
    const adv = appEnv.get('MEDIAMESH_ADVERTISE_PORT');
    const port = adv && 'literal' in adv ? Number(adv.literal) : undefined;
    if (port !== facts.inboundPort)
      errors.push(`${at}: its app must register the sidecar's inbound port (MEDIAMESH_ADVERTISE_PORT=${facts.inboundPort}), found ${adv && 'literal' in adv ? adv.literal : 'none'}: the mesh would bypass the sidecar`);
  }
  return errors;
}
