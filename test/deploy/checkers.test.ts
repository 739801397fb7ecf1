/**
 * The deployment checkers can fail: each case breaks one thing in a copy of deploy/ and expects
 * the checker to report exactly that problem (a message the unbroken copy does not produce).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../core/paths';
import { checkCompose } from './support/compose-check';
import { deployContext } from './support/context';
import { checkDockerfile } from './support/dockerfile';
import { checkDockerignore } from './support/dockerignore';
import { checkK8s } from './support/k8s-check';
import { parseYaml } from './support/yaml-files';

const root = repoRoot();
let tmp: string;

/** copyDeploy copies deploy/ into a fresh folder and applies edits (file → [from, to] text replacements). */
function copyDeploy(edits: Record<string, Array<[string | RegExp, string]>> = {}): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'deploy-'));
  fs.cpSync(path.join(root, 'deploy'), dir, { recursive: true });
  for (const [file, replacements] of Object.entries(edits)) {
    const p = path.join(dir, file);
    let text = fs.readFileSync(p, 'utf8');
    for (const [from, to] of replacements) {
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit of ${file} did not apply: ${String(from)}`);
      text = next;
    }
    fs.writeFileSync(p, text);
  }
  return dir;
}

/** newErrors runs a checker on the unbroken and the broken copy and returns what only the broken one reports. */
async function newErrors(run: (dir: string) => Promise<string[]> | string[], edits: Record<string, Array<[string | RegExp, string]>>): Promise<string[]> {
  const runOn = async (dir: string) => (await run(dir)).map((e) => e.split(path.relative(root, dir)).join('deploy'));
  const baseline = new Set(await runOn(copyDeploy()));
  return (await runOn(copyDeploy(edits))).filter((e) => !baseline.has(e));
}

const compose = (dir: string) => checkCompose(deployContext(root), path.join(dir, 'docker-compose.yml'));
const k8s = (dir: string) => checkK8s(deployContext(root), path.join(dir, 'k8s'));
const dockerfile = (dir: string) => checkDockerfile(root, fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-deploy-check-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('YAML reader', () => {
  it('reports syntax errors and duplicate keys with the file name', () => {
    expect(parseYaml('a: [1, 2\nb: 3\n', 'broken.yaml').errors[0]).toMatch(/^broken\.yaml: /);
    expect(parseYaml('a: 1\na: 2\n', 'dup.yaml').errors[0]).toMatch(/^dup\.yaml: .*unique/i);
  });
});

describe('compose checker', () => {
  const cases: Array<[string, Array<[string | RegExp, string]>, RegExp]> = [
    ['a variable no code reads', [['      MEDIAMESH_INSTANCE_ID: image-1\n', '      MEDIAMESH_INSTANCE_ID: image-1\n      MEDIAMESH_IMAGE_MAX_PIXELZ: "100"\n']], /image-1: MEDIAMESH_IMAGE_MAX_PIXELZ is not read by services\/image\/main\.ts/],
    ["another process's variable", [['      MEDIAMESH_INSTANCE_ID: storage-1\n', '      MEDIAMESH_INSTANCE_ID: storage-1\n      MEDIAMESH_VIDEO_THREADS: "2"\n']], /storage: MEDIAMESH_VIDEO_THREADS is not read by services\/storage/],
    ['a value the process rejects', [['      MEDIAMESH_INSTANCE_ID: storage-1\n', '      MEDIAMESH_INSTANCE_ID: storage-1\n      MEDIAMESH_STORAGE_MAX_OBJECT_BYTES: lots\n']], /storage: MEDIAMESH_STORAGE_MAX_OBJECT_BYTES="lots" would stop/],
    ['a published port nobody serves', [['      - "8080:8080"', '      - "8080:9090"']], /gateway: publishes container port 9090/],
    ['a health check on the wrong port', [['test: ["CMD", "node", "deploy/healthcheck.js", "grpc", "50051"]', 'test: ["CMD", "node", "deploy/healthcheck.js", "grpc", "50052"]']], /storage: healthcheck probes grpc port 50052/],
    ['an advertised address that is not the container\'s', [['MEDIAMESH_ADVERTISE_ADDRESS: 172.30.0.22', 'MEDIAMESH_ADVERTISE_ADDRESS: 172.30.0.99']], /image-2: registers in ZooKeeper but MEDIAMESH_ADVERTISE_ADDRESS \(172\.30\.0\.99\)/],
    ['an entry that is not built', [['dist/services/storage/main.js', 'dist/services/nothing/main.js']], /storage: dist\/services\/nothing\/main\.js has no source/],
    ['envoy mode without a sidecar', [['network_mode: service:storage', 'network_mode: service:image-1']], /storage: MEDIAMESH_MESH_MODE=envoy without an Envoy sidecar/],
    ['an unpinned image', [['envoyproxy/envoy:v1.40.0', 'envoyproxy/envoy:latest']], /image envoyproxy\/envoy:latest is not pinned/],
    ['an Envoy other than the one the local mesh runs', [['envoyproxy/envoy:v1.40.0', 'envoyproxy/envoy:v1.34.1']], /image-1-envoy: image envoyproxy\/envoy:v1\.34\.1 is not Envoy 1\.40\.0/],
    ['an app registering its own port behind a sidecar', [['  MEDIAMESH_ADVERTISE_PORT: "15006"\n', '']], /storage-envoy: its app must register the sidecar's inbound port \(MEDIAMESH_ADVERTISE_PORT=15006\), found none/],
    ['a mount of a missing bootstrap', [['./envoy/video.yaml', './envoy/vidoe.yaml']], /bind mount source \.\/envoy\/vidoe\.yaml does not exist/],
  ];
  it.each(cases)('reports %s', async (_name, edits, expected) => {
    const found = await newErrors(compose, { 'docker-compose.yml': edits });
    expect(found).toContainEqual(expect.stringMatching(expected));
  });

  const bootstrapCases: Array<[string, Array<[string | RegExp, string]>, RegExp]> = [
    ['a misspelt Envoy field (Envoy-proto checker)', [['connect_timeout: 1s', 'conect_timeout: 1s']], /deploy\/envoy\/video\.yaml \(video-envoy\): static_resources\.clusters\[0\]\.conect_timeout: unknown field/],
    ['a bad enum value (Envoy-proto checker)', [['type: STRICT_DNS', 'type: STRICT_DNZ']], /video-envoy\): static_resources\.clusters\[0\]\.type: bad enum value "STRICT_DNZ"/],
    ['a control plane port nobody serves', [['port_value: 18000', 'port_value: 18009']], /video-envoy: bootstrap dials the control plane at control-plane:18009/],
    ['an app port the app does not serve', [['APP_PORT: "50051"', 'APP_PORT: "50052"']], /video-envoy: bootstrap APP_PORT 50052 is not a gRPC port video serves/],
    ['a zone other than the app\'s', [['zone: zone-a', 'zone: zone-b']], /video-envoy: bootstrap zone "zone-b" but video runs in MEDIAMESH_ZONE zone-a/],
    ['a tracing collector host that is no service', [['address: jaeger', 'address: jaegr']], /video-envoy bootstrap cluster otel: host jaegr is not a compose service/],
  ];
  it.each(bootstrapCases)('reports %s in a sidecar bootstrap', async (_name, edits, expected) => {
    const found = await newErrors(compose, { 'envoy/video.yaml': edits });
    expect(found).toContainEqual(expect.stringMatching(expected));
  });
});

describe('Kubernetes checker', () => {
  const cases: Array<[string, string, Array<[string | RegExp, string]>, RegExp]> = [
    ['a containerPort the process does not serve', 'image.yaml', [['- {name: grpc, containerPort: 50051}', '- {name: grpc, containerPort: 50052}']], /Deployment\/image container image: containerPort 50052 is not served/],
    ['a gRPC probe on the HTTP port', 'gateway.yaml', [['httpGet: {path: /readyz, port: http}', 'grpc: {port: 8080}']], /gateway: readinessProbe is a grpc probe on http port 8080/],
    ['a probe on a port nobody serves', 'video.yaml', [['          livenessProbe:\n            grpc: {port: 50051}', '          livenessProbe:\n            grpc: {port: 50061}']], /video: livenessProbe hits port 50061, which the process does not serve/],
    ['a probe on a loopback-bound port', 'gateway.yaml', [['{name: MEDIAMESH_GATEWAY_HOST, value: 0.0.0.0}', '{name: MEDIAMESH_GATEWAY_HOST, value: 127.0.0.1}']], /gateway: readinessProbe hits port 8080, but MEDIAMESH_GATEWAY_HOST binds 127\.0\.0\.1/],
    ['a Service targeting an undeclared port', 'storage.yaml', [['port: 50051, targetPort: grpc', 'port: 50051, targetPort: grpc-web']], /Service\/storage: port 50051 targets grpc-web/],
    ['a missing ConfigMap in envFrom', 'video.yaml', [['configMapRef: {name: mesh-env}', 'configMapRef: {name: mesh-envs}']], /video: envFrom ConfigMap mesh-envs does not exist/],
    ['a container without limits', 'image.yaml', [['limits: {cpu: "2", memory: 1Gi}', 'limits: {cpu: "2"}']], /container image: resources\.limits\.memory is not set/],
    ['a literal advertised address', 'storage.yaml', [["- name: MEDIAMESH_ADVERTISE_ADDRESS\n              valueFrom: {fieldRef: {fieldPath: status.podIP}}", '- {name: MEDIAMESH_ADVERTISE_ADDRESS, value: 10.0.0.7}']], /storage: registers in ZooKeeper, so MEDIAMESH_ADVERTISE_ADDRESS must come from fieldRef status\.podIP/],
    ['a value the process rejects, from a ConfigMap', 'mesh-config.yaml', [['MEDIAMESH_MESH_MODE: envoy', 'MEDIAMESH_MESH_MODE: sidecar']], /MEDIAMESH_MESH_MODE="sidecar" would stop/],
    ['a ZooKeeper address that is no Service', 'mesh-config.yaml', [['zookeeper-2.zookeeper-hs:2181', 'zookeeper-3.zookeeper-hs:2181']], /MEDIAMESH_ZK names zookeeper-3\.zookeeper-hs:2181/],
    ['a file kustomization does not list', 'kustomization.yaml', [['  - video.yaml\n', '']], /video\.yaml is not listed in resources/],
    ['a misspelt Envoy field in the bootstrap ConfigMap', 'envoy-bootstrap.yaml', [['        set_node_on_first_message_only: true', '        set_node_on_first_message: true']], /ConfigMap envoy-bootstrap storage\.yaml: dynamic_resources\.ads_config\.set_node_on_first_message: unknown field/],
    ['a bootstrap dialling no Service', 'envoy-bootstrap.yaml', [['address: control-plane.mediamesh.svc.cluster.local', 'address: control-planes.mediamesh.svc.cluster.local']], /Deployment\/storage container envoy: bootstrap dials the control plane at control-planes\.mediamesh\.svc\.cluster\.local:18000/],
    ['a sidecar of another Envoy version', 'video.yaml', [['envoyproxy/envoy:v1.40.0', 'envoyproxy/envoy:v1.39.2']], /Deployment\/video container envoy: image envoyproxy\/envoy:v1\.39\.2 is not Envoy 1\.40\.0/],
    ['an app behind a sidecar registering its own port', 'image.yaml', [['            - {name: MEDIAMESH_ADVERTISE_PORT, value: "15006"}\n', '']], /Deployment\/image container envoy: its app must register the sidecar's inbound port/],
    ['a sidecar probe on a loopback listener', 'image.yaml', [['tcpSocket: {port: envoy-inbound}', 'tcpSocket: {port: 15001}']], /Deployment\/image container envoy: readinessProbe must hit the inbound listener 15006/],
    ['a selector that misses its pods', 'jaeger.yaml', [['    matchLabels: {app.kubernetes.io/name: jaeger}', '    matchLabels: {app.kubernetes.io/name: jaegr}']], /Deployment\/jaeger: selector\.matchLabels does not select/],
  ];
  it.each(cases)('reports %s', async (_name, file, edits, expected) => {
    const found = await newErrors(k8s, { [`k8s/${file}`]: edits });
    expect(found).toContainEqual(expect.stringMatching(expected));
  });
});

describe('Dockerfile ignore checker', () => {
  const ignore = (dir: string) => checkDockerignore(root, fs.readFileSync(path.join(dir, 'Dockerfile.dockerignore'), 'utf8'));
  it('reports a needed folder left out of the context', async () => {
    expect(await newErrors(ignore, { 'Dockerfile.dockerignore': [['!test/harness\n', '']] })).toContainEqual(expect.stringMatching(/drops test\/harness/));
  });
  it('reports the health check script left out', async () => {
    expect(await newErrors(ignore, { 'Dockerfile.dockerignore': [['!deploy/healthcheck.js\n', '']] })).toContainEqual(expect.stringMatching(/drops deploy\/healthcheck\.js/));
  });
  it('reports node_modules sent to the daemon', async () => {
    expect(await newErrors(ignore, { 'Dockerfile.dockerignore': [['**/node_modules\n', '']] })).toContainEqual(expect.stringMatching(/sends node_modules/));
  });
});

describe('Dockerfile checker', () => {
  const cases: Array<[string, Array<[string | RegExp, string]>, RegExp]> = [
    ['running as root', [['USER node', 'USER root']], /non-root USER \(found root\)/],
    ['no ffmpeg', [['ffmpeg tini', 'tini']], /does not apt-get install ffmpeg/],
    ['no MALLOC_ARENA_MAX', [['    MALLOC_ARENA_MAX=2 \\\n', '']], /must set MALLOC_ARENA_MAX=2/],
    ['no jemalloc preload', [['    LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \\\n', '']], /must preload jemalloc/],
    ['jemalloc preloaded but not installed', [['ffmpeg tini libjemalloc2', 'ffmpeg tini']], /does not apt-get install libjemalloc2/],
    ['dev dependencies kept', [[' && npm prune --omit=dev --no-audit --no-fund', '']], /build stage does not run npm prune --omit=dev/],
    ['a CMD naming no built file', [['CMD ["node", "dist/services/gateway/main.js"]', 'CMD ["node", "dist/services/gateway/server-main.js"]']], /dist\/services\/gateway\/server-main\.js has no source/],
    ['a COPY of something the build does not make', [['COPY --from=build /app/bin ./bin', 'COPY --from=build /app/binaries ./bin']], /COPY source \/app\/binaries does not exist/],
  ];
  it.each(cases)('reports %s', async (_name, edits, expected) => {
    const found = await newErrors(dockerfile, { Dockerfile: edits });
    expect(found).toContainEqual(expect.stringMatching(expected));
  });
});
