/**
 * `mediamesh up` (what `npm start` runs): the whole mesh on this machine — ZooKeeper, Jaeger when
 * it can be built, the control plane, storage, image ×2, video and the gateway — seeded with a
 * public `demo` bucket (sample.jpg, sample.mp4) and a private `private` bucket. Writes
 * $MEDIAMESH_HOME/ready.json, prints a guide, and stops everything on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startMesh, type LocalMesh } from '../../../launcher/mesh';
import { int, loadConfig, str } from '../../../core/config';
import type { Command } from '../command';

const specs = {
  home: { name: 'MEDIAMESH_HOME', doc: 'state folder', fallback: '.mediamesh', parse: String },
  gatewayPort: { name: 'MEDIAMESH_GATEWAY_PORT', doc: 'gateway HTTP port', fallback: 8080, parse: int(1, 65535) },
  xdsPort: { name: 'MEDIAMESH_XDS_PORT', doc: 'control plane xDS port', fallback: 18000, parse: int(1, 65535) },
  cpStatusPort: { name: 'MEDIAMESH_CP_STATUS_PORT', doc: 'control plane status HTTP port', fallback: 18001, parse: int(1, 65535) },
  zkPort: { name: 'MEDIAMESH_ZK_PORT', doc: 'ZooKeeper client port', fallback: 12181, parse: int(1, 65535) },
  adminToken: { name: 'MEDIAMESH_ADMIN_TOKEN', doc: 'bearer token for uploads and management', fallback: 'dev-admin-token', parse: str(/^\S{8,}$/, 'at least 8 non-space characters'), secret: true },
  signingKeys: { name: 'MEDIAMESH_SIGNING_KEYS', doc: 'access:secret pairs for signed URLs', fallback: 'demo-ak:demo-secret-key', parse: str(/^[^:,\s]+:[^:,\s]+(,[^:,\s]+:[^:,\s]+)*$/, 'ak:sk[,ak2:sk2]'), secret: true },
};

export const command: Command = {
  summary: 'start the whole mesh locally (what `npm start` runs)',
  usage: `usage: mediamesh up

Starts ZooKeeper, Jaeger (when it can be built), the control plane, storage, image x2, video and
the gateway on this machine, seeds the demo buckets, writes $MEDIAMESH_HOME/ready.json and waits.
Ctrl-C stops everything.

environment: ${Object.values(specs).map((s) => `${s.name} (${s.doc}; default ${s.name.includes('TOKEN') || s.name.includes('KEYS') ? 'dev value' : s.fallback})`).join('\n  ')}`,
  options: {},
  async run() {
    const cfg = loadConfig(specs);
    const home = path.resolve(cfg.home);
    fs.mkdirSync(home, { recursive: true });
    const pidFile = path.join(home, 'launcher.pid');
    const other = runningPid(pidFile);
    if (other) {
      process.stderr.write(`mediamesh is already running (pid ${other}, state in ${home}); stop it with Ctrl-C in its terminal or \`kill ${other}\`.\n`);
      return 1;
    }
    fs.writeFileSync(pidFile, String(process.pid));
    const readyFile = path.join(home, 'ready.json');
    fs.rmSync(readyFile, { force: true });
    let mesh: LocalMesh | undefined;
    const stop = async (code: number) => {
      process.stdout.write('\nstopping the mesh…\n');
      await mesh?.stop();
      fs.rmSync(pidFile, { force: true });
      fs.rmSync(readyFile, { force: true });
      process.exit(code);
    };
    process.once('SIGINT', () => void stop(0));
    process.once('SIGTERM', () => void stop(0));
    try {
      // Every process of the mesh runs on this Node (launcher/process.ts spawns process.execPath).
      process.stdout.write(`Node.js ${process.version} (${process.execPath})\n`);
      process.stdout.write('starting ZooKeeper, Jaeger, the control plane and the services…\n');
      mesh = await startMesh({
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
      });
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
      };
      fs.writeFileSync(readyFile, JSON.stringify(ready, null, 2) + '\n');
      process.stdout.write(guide(ready, mesh, readyFile));
    } catch (err) {
      process.stderr.write(`mediamesh up failed: ${err instanceof Error ? err.message : String(err)}\n`);
      await stop(1);
    }
    await new Promise(() => undefined); // until a signal
    return 0;
  },
};

function runningPid(pidFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    if (!pid) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
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

function guide(ready: { gateway: string; zookeeper: string; controlPlane: string; controlPlaneStatus: string; xdsBootstrap: string; jaeger: string | null }, mesh: LocalMesh, readyFile: string): string {
  const g = ready.gateway;
  return `
mediamesh is up (addresses in ${readyFile})

  gateway        ${g}
  zookeeper      ${ready.zookeeper}
  control plane  ${ready.controlPlane}   (status: http://${ready.controlPlaneStatus}/status)
  jaeger UI      ${ready.jaeger ?? 'not available (Go build of Jaeger failed; see scripts/jaeger-build.sh)'}
  image          ${mesh.images.map((i) => i.address).join(', ')}

Try:
  curl -o thumb.jpg '${g}/demo/sample.jpg?imageView2/1/w/200/h/200'
  curl '${g}/demo/sample.jpg?imageInfo'
  curl -o small.webp '${g}/demo/sample.jpg?imageMogr2/thumbnail/!50p/rotate/90/format/webp'
  curl '${g}/demo/sample.mp4?avinfo'
  curl -o frame.jpg '${g}/demo/sample.mp4?vframe/jpg/offset/2/w/320'
  curl -H 'Authorization: Bearer <MEDIAMESH_ADMIN_TOKEN>' -T photo.jpg ${g}/demo/photo.jpg
  MEDIAMESH_SIGNING_KEYS=<ak:sk> npx mediamesh sign '${g}/private/sample.jpg' --ttl 3600   (private bucket)
  npx mediamesh ls --zk ${ready.zookeeper}                      (instances in ZooKeeper)
  npx mediamesh status                                           (xDS sync per node)
  GRPC_XDS_BOOTSTRAP=${ready.xdsBootstrap} <your proxyless gRPC client> xds:///image

Ctrl-C stops everything.
`;
}
