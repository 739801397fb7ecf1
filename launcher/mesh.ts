/**
 * startMesh: the whole mesh on 127.0.0.1 from dist/ — real ZooKeeper, Jaeger (when built),
 * the control plane, storage, image ×N, video and the gateway — for end-to-end tests,
 * chaos runs and `npm start` (mesh/cli/commands/up.ts). Everything started is stopped by stop().
 * meshMode 'envoy' gives every process its own Envoy sidecar, as a pod would have (sidecar.ts):
 * the sidecar starts first and is ready before its app, the app dials its outbound listener and
 * registers the sidecar's inbound port in ZooKeeper, and the sidecar goes when its app goes (a
 * killed instance takes its sidecar with it, as a deleted pod does). The gateway's sidecar is
 * outbound only: the gateway's HTTP port is the mesh's edge, not a mesh endpoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createXdsBootstrap } from '../mesh/client';
import { allocatorEnv } from '../core/allocator';
import { repoRoot } from '../core/paths';
import { jaegerBinary, startJaeger } from './jaeger';
import { requireEnvoy } from './envoy';
import { freePort } from './ports';
import { startSidecar, type Sidecar } from './sidecar';
import { startService, type StartedService } from './process';
import { startZooKeeper, type ZooKeeperServer } from './zookeeper';

/** ImageInstanceSpec places one image instance (canary versions, zones). */
export interface InstanceSpec {
  version?: string;
  zone?: string;
  instanceId?: string;
  weight?: number;
  env?: Record<string, string>;
}

export interface MeshOptions {
  /** MEDIAMESH_HOME (storage data, bootstrap files); default a temp dir removed on stop. */
  home?: string;
  images?: number | InstanceSpec[];
  video?: boolean;
  gateway?: boolean;
  gatewayPort?: number;
  xdsPort?: number;
  /** Control plane status HTTP port (default a free port). */
  cpStatusPort?: number;
  zkPort?: number;
  /** ZooKeeper data dir to keep between runs (default a temp dir). */
  zkDataDir?: string;
  /** Start Jaeger and export traces to it: true (must work), false, or 'if-available'. */
  jaeger?: boolean | 'if-available';
  adminToken?: string;
  /** MEDIAMESH_SIGNING_KEYS for the gateway, "ak:sk[,ak2:sk2]". */
  signingKeys?: string;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /**
   * Traffic policy the control plane seeds for services without one (MEDIAMESH_POLICY_FILE):
   * default deploy/mesh-policy.local.yaml (the mesh's retries for image, storage and video); false: none.
   */
  policyFile?: string | false;
  /** 'envoy': every mesh process with its own Envoy sidecar (Envoy must be installed); default 'proxyless'. */
  meshMode?: 'envoy' | 'proxyless';
  /** Echo children's output (debugging). */
  echo?: boolean;
}

export interface JaegerHandle {
  readonly uiUrl: string;
  readonly otlpHttpUrl: string;
  /** OTLP/gRPC host:port (where Envoy's OpenTelemetry tracer exports). */
  readonly otlpGrpcAddr: string;
  stop(): Promise<void>;
}

/** MeshProcess is a started mesh process and, in envoy mode, its sidecar. */
export type MeshProcess = StartedService & { readonly sidecar?: Sidecar };

export interface LocalMesh {
  readonly home: string;
  readonly meshMode: 'envoy' | 'proxyless';
  readonly zk: ZooKeeperServer;
  readonly jaeger?: JaegerHandle;
  readonly controlPlane: StartedService & { statusPort?: number };
  readonly storage: MeshProcess[];
  readonly images: MeshProcess[];
  readonly video: MeshProcess[];
  readonly gateway?: MeshProcess & { url: string };
  /** Every running sidecar by its app's instance id (envoy mode; empty otherwise). */
  sidecars(): Map<string, Sidecar>;
  /** Path of an xDS bootstrap file outside proxyless clients can use (GRPC_XDS_BOOTSTRAP). */
  readonly xdsBootstrap: string;
  readonly adminToken: string;
  /** Environment that points a process at this mesh (MEDIAMESH_ZK, MEDIAMESH_XDS_SERVER, OTEL_*). */
  readonly env: Record<string, string>;
  startInstance(service: 'image' | 'storage' | 'video', spec?: InstanceSpec): Promise<MeshProcess>;
  startControlPlane(): Promise<StartedService & { statusPort?: number }>;
  stop(): Promise<void>;
}

const ENTRY: Record<string, string> = {
  'control-plane': 'mesh/control-plane/main.ts',
  storage: 'services/storage/main.ts',
  image: 'services/image/main.ts',
  video: 'services/video/main.ts',
  gateway: 'services/gateway/main.ts',
};

/** startMesh brings the mesh up; on any failure it stops what it started and rethrows. */
export async function startMesh(opts: MeshOptions = {}): Promise<LocalMesh> {
  const ownHome = !opts.home;
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mediamesh-home-'));
  fs.mkdirSync(home, { recursive: true });
  const stoppers: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stoppers.splice(0).reverse()) await s().catch(() => undefined);
    if (ownHome) fs.rmSync(home, { recursive: true, force: true });
  };
  const meshMode = opts.meshMode ?? 'proxyless';
  if (meshMode === 'envoy') requireEnvoy();
  const sidecars = new Map<string, Sidecar>();
  try {
    const zk = await startZooKeeper({ port: opts.zkPort, dataDir: opts.zkDataDir });
    stoppers.push(() => zk.stop());

    let jaeger: JaegerHandle | undefined;
    if (opts.jaeger) {
      jaeger = await startJaegerIfBuilt(opts.jaeger === true);
      if (jaeger) stoppers.push(() => jaeger!.stop());
    }

    const xdsPort = opts.xdsPort ?? (await freePort());
    // Video's temp dirs live in the home: a video instance killed with SIGKILL (chaos) cannot remove them itself.
    const videoTmp = path.join(home, 'video-tmp');
    fs.mkdirSync(videoTmp, { recursive: true });
    const adminToken = opts.adminToken ?? 'dev-admin-token';
    const env: Record<string, string> = {
      MEDIAMESH_ZK: zk.connectString,
      MEDIAMESH_XDS_SERVER: `127.0.0.1:${xdsPort}`,
      MEDIAMESH_HOME: home,
      MEDIAMESH_ADMIN_TOKEN: adminToken,
      MEDIAMESH_VIDEO_TMPDIR: videoTmp,
      // Envoy mode sets it per process with its sidecar's address; never inherit a caller's.
      MEDIAMESH_MESH_MODE: 'proxyless',
      // jemalloc preloaded when installed, else MALLOC_ARENA_MAX=2 (core/allocator.ts).
      ...allocatorEnv(),
      ...(jaeger ? { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl } : { OTEL_SDK_DISABLED: 'true' }),
      ...opts.env,
    };
    const counters: Record<string, number> = {};
    /** withSidecar starts a process's sidecar and returns what its app needs to use it. */
    const withSidecar = async (service: string, instanceId: string, zone: string): Promise<{ sidecar: Sidecar; env: Record<string, string> }> => {
      const appPort = service === 'gateway' ? undefined : await freePort();
      const sidecar = await startSidecar({
        service,
        nodeId: `${instanceId}-envoy`,
        xds: `127.0.0.1:${xdsPort}`,
        otlp: jaeger?.otlpGrpcAddr,
        appPort,
        zone,
        dir: path.join(home, 'envoy'),
        echo: opts.echo,
      });
      const appEnv: Record<string, string> = { MEDIAMESH_MESH_MODE: 'envoy', MEDIAMESH_ENVOY_OUTBOUND: sidecar.outbound };
      if (appPort) Object.assign(appEnv, { MEDIAMESH_PORT: String(appPort), MEDIAMESH_ADVERTISE_PORT: String(sidecar.inboundPort) });
      return { sidecar, env: appEnv };
    };
    const launch = async (service: string, spec: InstanceSpec = {}, extra: Record<string, string> = {}): Promise<MeshProcess> => {
      counters[service] = (counters[service] ?? 0) + 1;
      const instanceId = spec.instanceId ?? `${service}-${counters[service]}`;
      const side = meshMode === 'envoy' && service !== 'control-plane' ? await withSidecar(service, instanceId, spec.zone ?? env.MEDIAMESH_ZONE ?? 'zone-a') : undefined;
      let svc: StartedService;
      try {
        svc = await startService(ENTRY[service], {
          echo: opts.echo,
          env: {
            ...env,
            MEDIAMESH_SERVICE_NAME: service,
            MEDIAMESH_INSTANCE_ID: instanceId,
            ...(spec.version ? { MEDIAMESH_VERSION: spec.version } : {}),
            ...(spec.zone ? { MEDIAMESH_ZONE: spec.zone } : {}),
            ...(spec.weight ? { MEDIAMESH_WEIGHT: String(spec.weight) } : {}),
            ...side?.env,
            ...extra,
            ...spec.env,
          },
        });
      } catch (err) {
        await side?.sidecar.stop();
        throw err;
      }
      const sidecar = side?.sidecar;
      if (sidecar) {
        sidecars.set(instanceId, sidecar);
        // The app has drained (or was killed): its sidecar has nothing left to carry.
        void svc.exited.then(() => {
          if (sidecars.get(instanceId) === sidecar) sidecars.delete(instanceId);
          return sidecar.kill();
        });
      }
      stoppers.push(async () => {
        await svc.stop();
        await sidecar?.stop();
      });
      return Object.assign(svc, { sidecar });
    };

    const startControlPlane = async () => {
      const policyFile = opts.policyFile ?? path.join(repoRoot(), 'deploy/mesh-policy.local.yaml');
      const cp = await launch('control-plane', {}, {
        MEDIAMESH_XDS_PORT: String(xdsPort),
        MEDIAMESH_CP_STATUS_PORT: String(opts.cpStatusPort ?? 0),
        ...(policyFile ? { MEDIAMESH_POLICY_FILE: policyFile } : {}),
      });
      const line = cp.logs.find((l) => l.event === 'serving');
      return Object.assign(cp, { statusPort: line?.statusPort ? Number(line.statusPort) : undefined });
    };
    const controlPlane = await startControlPlane();

    const xdsBootstrap = path.join(home, 'xds-bootstrap.json');
    fs.writeFileSync(xdsBootstrap, JSON.stringify(outsideBootstrap(xdsPort), null, 2) + '\n');

    const storage = [await launch('storage')];
    const imageSpecs: InstanceSpec[] = Array.isArray(opts.images)
      ? opts.images
      : Array.from({ length: opts.images ?? 2 }, () => ({}));
    const images = await Promise.all(imageSpecs.map((s) => launch('image', s)));
    const video = opts.video === false ? [] : [await launch('video')];
    let gateway: (MeshProcess & { url: string }) | undefined;
    if (opts.gateway !== false) {
      const port = opts.gatewayPort ?? (await freePort());
      const gw = await launch('gateway', {}, {
        MEDIAMESH_GATEWAY_PORT: String(port),
        ...(opts.signingKeys ? { MEDIAMESH_SIGNING_KEYS: opts.signingKeys } : {}),
      });
      gateway = Object.assign(gw, { url: `http://127.0.0.1:${gw.port}` });
      await waitReady(`${gateway.url}/readyz`);
    }
    return {
      home,
      meshMode,
      sidecars: () => new Map(sidecars),
      zk,
      jaeger,
      controlPlane,
      storage,
      images,
      video,
      gateway,
      xdsBootstrap,
      adminToken,
      env,
      startInstance: async (service, spec) => {
        const svc = await launch(service, spec);
        (service === 'image' ? images : service === 'video' ? video : storage).push(svc);
        return svc;
      },
      startControlPlane,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** outsideBootstrap is the grpc-js-xds bootstrap an outside proxyless client uses. */
export function outsideBootstrap(xdsPort: number, nodeId = 'outside-client'): Record<string, unknown> {
  return createXdsBootstrap({ server: `127.0.0.1:${xdsPort}`, nodeId, zone: 'zone-a', cluster: 'outside' });
}

async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}

async function startJaegerIfBuilt(required: boolean): Promise<JaegerHandle | undefined> {
  if (!jaegerBinary()) {
    if (required) throw new Error('Jaeger is not built: run `bash scripts/jaeger-build.sh`');
    return undefined;
  }
  return startJaeger();
}
