/**
 * `mediamesh up` (what `npm start` runs): the whole mesh on this machine — ZooKeeper, Jaeger when
 * it can be built, the control plane, storage, image ×2, video and the gateway, each with its own
 * Envoy sidecar (MEDIAMESH_MESH_MODE=envoy, the default; `proxyless` runs them on grpc-js-xds, and
 * so does a machine without Envoy, saying so) — seeded with a public `demo` bucket (sample.jpg,
 * sample.mp4) and a private `private` bucket. Writes $MEDIAMESH_HOME/ready.json, prints a guide,
 * and stops everything on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeForeign, inspectHome, stopOrphans } from '../../../launcher/leftovers';
import { startMesh, type LocalMesh } from '../../../launcher/mesh';
import { portInUse } from '../../../launcher/ports';
import { stopAllGroups } from '../../../launcher/process';
import { onStopSignals } from '../../../launcher/stop-signals';
import { ENVOY_MISSING, envoyBinary } from '../../../launcher/envoy';
import { int, loadConfig, oneOf, str, type ConfigOf } from '../../../core/config';
import type { Command } from '../command';

const specs = {
  home: { name: 'MEDIAMESH_HOME', doc: 'state folder', fallback: '.mediamesh', parse: String },
  gatewayPort: { name: 'MEDIAMESH_GATEWAY_PORT', doc: 'gateway HTTP port', fallback: 8080, parse: int(1, 65535) },
  xdsPort: { name: 'MEDIAMESH_XDS_PORT', doc: 'control plane xDS port', fallback: 18000, parse: int(1, 65535) },
  cpStatusPort: { name: 'MEDIAMESH_CP_STATUS_PORT', doc: 'control plane status HTTP port', fallback: 18001, parse: int(1, 65535) },
  zkPort: { name: 'MEDIAMESH_ZK_PORT', doc: 'ZooKeeper client port', fallback: 12181, parse: int(1, 65535) },
  policyFile: { name: 'MEDIAMESH_POLICY_FILE', doc: 'traffic policy seeded for services without one (empty: deploy/mesh-policy.local.yaml, the mesh retries)', fallback: '', parse: String },
  meshMode: { name: 'MEDIAMESH_MESH_MODE', doc: 'data plane: envoy (a sidecar per process) or proxyless (grpc-js-xds)', fallback: 'envoy' as 'envoy' | 'proxyless', parse: oneOf('envoy', 'proxyless') },
  adminToken: { name: 'MEDIAMESH_ADMIN_TOKEN', doc: 'bearer token for uploads and management', fallback: 'dev-admin-token', parse: str(/^\S{8,}$/, 'at least 8 non-space characters'), secret: true },
  signingKeys: { name: 'MEDIAMESH_SIGNING_KEYS', doc: 'access:secret pairs for signed URLs', fallback: 'demo-ak:demo-secret-key', parse: str(/^[^:,\s]+:[^:,\s]+(,[^:,\s]+:[^:,\s]+)*$/, 'ak:sk[,ak2:sk2]'), secret: true },
};

export const command: Command = {
  summary: 'start the whole mesh locally (what `npm start` runs)',
  usage: `usage: mediamesh up

Starts ZooKeeper, Jaeger (when it can be built), the control plane, storage, image x2, video and
the gateway on this machine, each with its own Envoy sidecar (MEDIAMESH_MESH_MODE=proxyless: none),
seeds the demo buckets, writes $MEDIAMESH_HOME/ready.json and waits.
Ctrl-C stops everything (a second Ctrl-C says it is still stopping, a third kills every process
at once). If this process is killed instead, every process it started stops by itself.
Processes of an earlier run of the same MEDIAMESH_HOME whose launcher is gone are stopped first.

environment: ${Object.values(specs).map((s) => `${s.name} (${s.doc}; default ${s.name.includes('TOKEN') || s.name.includes('KEYS') ? 'dev value' : s.fallback})`).join('\n  ')}`,
  options: {},
  async run() {
    const cfg = loadConfig(specs);
    const home = path.resolve(cfg.home);
    // Every child inherits it: how a later launcher (and `grep MEDIAMESH_HOME /proc/*/environ`) tells this mesh's processes.
    process.env.MEDIAMESH_HOME = home;
    fs.mkdirSync(home, { recursive: true });
    const pidFile = path.join(home, 'launcher.pid');
    const refused = await claimHome(home, pidFile, cfg);
    if (refused !== undefined) return refused;
    fs.writeFileSync(pidFile, String(process.pid));
    const readyFile = path.join(home, 'ready.json');
    fs.rmSync(readyFile, { force: true });
    // The terminal may close (SIGHUP) while the mesh stops: output lost there must not end the stop.
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);

    let mesh: LocalMesh | undefined;
    let stopping: Promise<void> | undefined;
    const finish = (code: number) => {
      fs.rmSync(pidFile, { force: true });
      fs.rmSync(readyFile, { force: true });
      process.exit(code);
    };
    const stop = (code: number) =>
      (stopping ??= (async () => {
        process.stdout.write('\nstopping the mesh…\n');
        // Still starting: stop whatever has started (startMesh then fails, and the exit hook kills anything it starts meanwhile).
        await (mesh ? mesh.stop() : stopAllGroups(STOP_GRACE_MS));
        finish(code);
      })());
    onStopSignals({
      stop: () => void stop(0),
      stillStopping: () => void process.stdout.write('still stopping… (Ctrl-C again kills every process of the mesh at once)\n'),
      forceKill: () => {
        process.stdout.write('force-killing every process of the mesh…\n');
        void stopAllGroups(0).then(() => finish(130));
      },
    });
    const untilSignal = () => new Promise<number>(() => undefined);
    let meshMode = cfg.meshMode;
    if (meshMode === 'envoy' && !envoyBinary()) {
      process.stdout.write(`${ENVOY_MISSING}.\nRunning the mesh proxyless (grpc-js-xds) instead.\n`);
      meshMode = 'proxyless';
    }
    try {
      // Every process of the mesh runs on this Node (launcher/process.ts spawns process.execPath).
      process.stdout.write(`Node.js ${process.version} (${process.execPath})\n`);
      process.stdout.write(`starting ZooKeeper, Jaeger, the control plane and the services (${meshMode === 'envoy' ? 'each with its Envoy sidecar' : 'proxyless'})…\n`);
      mesh = await startMesh({
        meshMode,
        home,
        zkDataDir: path.join(home, 'zookeeper'),
        zkPort: cfg.zkPort,
        xdsPort: cfg.xdsPort,
        cpStatusPort: cfg.cpStatusPort,
        gatewayPort: cfg.gatewayPort,
        images: [{ zone: 'zone-a' }, { zone: 'zone-b' }],
        jaeger: 'if-available',
        adminToken: cfg.adminToken,
        signingKeys: cfg.signingKeys,
        policyFile: cfg.policyFile || undefined,
      });
      if (stopping) return await untilSignal(); // Ctrl-C came while the last process started: stop() has it now
      const gateway = mesh.gateway!.url;
      await seed(gateway, cfg.adminToken, home);
      const ready = {
        gateway,
        zookeeper: mesh.zk.connectString,
        controlPlane: `127.0.0.1:${cfg.xdsPort}`,
        controlPlaneStatus: `127.0.0.1:${cfg.cpStatusPort}`,
        xdsBootstrap: mesh.xdsBootstrap,
        jaeger: mesh.jaeger?.uiUrl ?? null,
        buckets: { demo: 'public', private: 'private' },
        meshMode,
        // Each sidecar's admin (and so /stats/prometheus, /config_dump) by the node id the control plane knows it by.
        sidecars: Object.fromEntries(
          [...mesh.sidecars().values()].map((s) => [s.nodeId, { admin: s.adminUrl, outbound: s.outbound, inbound: s.inbound ?? null }]),
        ),
      };
      if (stopping) return await untilSignal();
      fs.writeFileSync(readyFile, JSON.stringify(ready, null, 2) + '\n');
      process.stdout.write(guide(ready, mesh, readyFile));
    } catch (err) {
      if (stopping) return await untilSignal(); // stopped during start-up by Ctrl-C: no failure to report
      process.stderr.write(`mediamesh up failed: ${err instanceof Error ? err.message : String(err)}\n`);
      await stop(1);
    }
    return await untilSignal();
  },
};

/** STOP_GRACE_MS: how long a process may take to stop before it is killed (a service drains up to 10 s). */
const STOP_GRACE_MS = 15_000;

/**
 * claimHome checks what an earlier run of this MEDIAMESH_HOME left (launcher/leftovers.ts) and the
 * fixed ports: resolves with an exit code when the mesh cannot start, undefined when it may.
 */
async function claimHome(home: string, pidFile: string, cfg: ConfigOf<typeof specs>): Promise<number | undefined> {
  const verdict = inspectHome(home, pidFile);
  if (verdict.kind === 'running') {
    process.stderr.write(`mediamesh is already running (pid ${verdict.launcherPid}, state in ${home}); stop it with Ctrl-C in its terminal or \`kill ${verdict.launcherPid}\`.\n`);
    return 1;
  }
  if (verdict.kind === 'foreign') {
    process.stderr.write(`mediamesh up: ${describeForeign(home, verdict.processes)}`);
    return 1;
  }
  if (verdict.stalePid) {
    process.stdout.write(`removing a stale ${pidFile}: launcher pid ${verdict.stalePid} is not running\n`);
    fs.rmSync(pidFile, { force: true });
  }
  if (verdict.orphans.length > 0) {
    const names = verdict.orphans.map((p) => `${p.pid} ${p.command.slice(0, 100)}`).join('\n  ');
    process.stdout.write(`stopping ${verdict.orphans.length} process(es) left by an earlier run whose launcher is gone:\n  ${names}\n`);
    await stopOrphans(verdict.orphans, STOP_GRACE_MS);
  }
  const ports: [number, string][] = [
    [cfg.zkPort, specs.zkPort.name],
    [cfg.xdsPort, specs.xdsPort.name],
    [cfg.cpStatusPort, specs.cpStatusPort.name],
    [cfg.gatewayPort, specs.gatewayPort.name],
  ];
  const busy: string[] = [];
  for (const [port, variable] of ports) {
    if (await portInUse(port)) busy.push(`port ${port} (${variable}) is in use by another process (see which: \`ss -ltnp 'sport = :${port}'\`); stop it or set ${variable} to a free port`);
  }
  if (busy.length === 0) return undefined;
  process.stderr.write(`mediamesh up: ${busy.join('\nmediamesh up: ')}\n`);
  return 1;
}

/** seed creates the demo buckets and uploads generated samples through the gateway's own API. */
async function seed(gateway: string, token: string, home: string): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  for (const [name, visibility] of [['demo', 'public'], ['private', 'private']]) {
    const res = await fetch(`${gateway}/v1/buckets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name, visibility }) });
    if (!res.ok) throw new Error(`creating bucket ${name}: ${res.status} ${await res.text()}`);
  }
  const samples = path.join(home, 'samples');
  fs.mkdirSync(samples, { recursive: true });
  const jpg = path.join(samples, 'sample.jpg');
  const mp4 = path.join(samples, 'sample.mp4');
  if (!fs.existsSync(jpg)) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x428:rate=1', '-vf', 'format=yuvj444p,crop=640:427:0:0', '-frames:v', '1', '-q:v', '3', jpg]);
  }
  if (!fs.existsSync(mp4)) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-t', '5', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', mp4]);
  }
  for (const [bucket, key, file, type] of [
    ['demo', 'sample.jpg', jpg, 'image/jpeg'],
    ['demo', 'sample.mp4', mp4, 'video/mp4'],
    ['private', 'sample.jpg', jpg, 'image/jpeg'],
  ]) {
    const res = await fetch(`${gateway}/${bucket}/${key}`, { method: 'PUT', headers: { ...auth, 'content-type': type }, body: fs.readFileSync(file) });
    if (!res.ok) throw new Error(`uploading ${bucket}/${key}: ${res.status} ${await res.text()}`);
  }
}

/** sidecarLines lists each sidecar: its node id, where the mesh reaches it, and its Prometheus stats. */
function sidecarLines(mesh: LocalMesh): string {
  const lines = [...mesh.sidecars().values()].map(
    (s) => `  ${s.nodeId.padEnd(20)} ${(s.inbound ? `inbound ${s.inbound}` : 'outbound only').padEnd(26)} ${s.adminUrl}/stats/prometheus`,
  );
  return lines.length ? `\nEnvoy sidecars (npx mediamesh proxy-config <node> shows what one holds):\n${lines.join('\n')}\n` : '';
}

function guide(ready: { gateway: string; zookeeper: string; controlPlane: string; controlPlaneStatus: string; xdsBootstrap: string; jaeger: string | null; meshMode: string }, mesh: LocalMesh, readyFile: string): string {
  const g = ready.gateway;
  const mode = ready.meshMode === 'envoy' ? 'Envoy sidecars (MEDIAMESH_MESH_MODE=envoy)' : 'proxyless grpc-js-xds (MEDIAMESH_MESH_MODE=proxyless)';
  return `
mediamesh is up (addresses in ${readyFile})

  data plane     ${mode}
  gateway        ${g}
  zookeeper      ${ready.zookeeper}
  control plane  ${ready.controlPlane}   (status: http://${ready.controlPlaneStatus}/status)
  jaeger UI      ${ready.jaeger ?? 'not available (Go build of Jaeger failed; see scripts/jaeger-build.sh)'}
  image          ${mesh.images.map((i) => i.sidecar?.inbound ?? i.address).join(', ')}
${sidecarLines(mesh)}
Try:
  curl -o thumb.jpg '${g}/demo/sample.jpg?imageView2/1/w/200/h/200'
  curl '${g}/demo/sample.jpg?imageInfo'
  curl -o small.webp '${g}/demo/sample.jpg?imageMogr2/thumbnail/!50p/rotate/90/format/webp'
  curl '${g}/demo/sample.mp4?avinfo'
  curl -o frame.jpg '${g}/demo/sample.mp4?vframe/jpg/offset/2/w/320'
  curl -H 'Authorization: Bearer <MEDIAMESH_ADMIN_TOKEN>' -T photo.jpg ${g}/demo/photo.jpg
  MEDIAMESH_SIGNING_KEYS=<ak:sk> npx mediamesh sign '${g}/private/sample.jpg' --ttl 3600   (private bucket)
  npx mediamesh ls --zk ${ready.zookeeper}                      (instances in ZooKeeper)
  npx mediamesh status                                           (xDS sync per node, each sidecar's ACK state)
  GRPC_XDS_BOOTSTRAP=${ready.xdsBootstrap} <your proxyless gRPC client> xds:///image

Ctrl-C stops everything.
`;
}
