/**
 * startSidecar: one process's Envoy sidecar on a shared host, as a Kubernetes pod would have it
 * but with ports of its own. It takes free ports for its outbound listener (127.0.0.1), its
 * inbound listener (127.0.0.1, only when an app port is given) and its admin, puts them in the
 * bootstrap's node metadata (the control plane renders this node's listeners from them), and
 * waits until Envoy is ready: its listeners then exist and its first xDS answers are in.
 */
import { createEnvoyBootstrap } from '../mesh/envoy';
import { startEnvoy, type EnvoyProcess } from './envoy';
import { freePort } from './ports';

export interface SidecarOptions {
  /** Mesh service of the app behind it (node cluster, APP_SERVICE). */
  readonly service: string;
  /** Node id shown by the control plane's /status (the app's instance id + "-envoy" by convention). */
  readonly nodeId: string;
  /** host:port of the control plane's ADS server. */
  readonly xds: string;
  /** host:port of an OTLP/gRPC collector; omitted = the sidecar traces nothing. */
  readonly otlp?: string;
  /** Port of the app on 127.0.0.1; omitted = outbound only (no inbound listener). */
  readonly appPort?: number;
  /** Inbound listener port (default a free port); fixed when the app must register it before Envoy starts. */
  readonly inboundPort?: number;
  readonly zone?: string;
  /** Folder for the bootstrap and log (default a temp dir). */
  readonly dir?: string;
  readonly concurrency?: number;
  readonly logLevel?: string;
  readonly echo?: boolean;
}

/** Sidecar is a running sidecar and where it listens. */
export interface Sidecar {
  readonly envoy: EnvoyProcess;
  readonly nodeId: string;
  /** 127.0.0.1:<port> the app dials (MEDIAMESH_ENVOY_OUTBOUND). */
  readonly outbound: string;
  /** 127.0.0.1:<port> the mesh routes to (registered in ZooKeeper in place of the app's own port). */
  readonly inbound?: string;
  readonly inboundPort?: number;
  readonly adminUrl: string;
  stop(): Promise<number | string>;
  kill(): Promise<number | string>;
}

/** startSidecar starts the sidecar and resolves once Envoy is ready. */
export async function startSidecar(o: SidecarOptions): Promise<Sidecar> {
  const ports = { outbound: await freePort(), admin: await freePort() };
  const inboundPort = o.appPort ? (o.inboundPort ?? (await freePort())) : undefined;
  const bootstrap = createEnvoyBootstrap({
    service: o.service,
    nodeId: o.nodeId,
    xds: o.xds,
    otlp: o.otlp,
    zone: o.zone,
    appPort: o.appPort,
    adminPort: ports.admin,
    outboundPort: ports.outbound,
    inboundAddress: '127.0.0.1',
    inboundPort,
  });
  const envoy = await startEnvoy({ bootstrap, dir: o.dir, concurrency: o.concurrency, logLevel: o.logLevel, echo: o.echo });
  return {
    envoy,
    nodeId: o.nodeId,
    outbound: `127.0.0.1:${ports.outbound}`,
    inbound: inboundPort ? `127.0.0.1:${inboundPort}` : undefined,
    inboundPort,
    adminUrl: envoy.adminUrl,
    stop: () => envoy.stop(),
    kill: () => envoy.kill(),
  };
}
