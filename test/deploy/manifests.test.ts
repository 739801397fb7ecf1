/**
 * The committed deployment artefacts agree with the code: every YAML parses, the Dockerfile
 * builds and runs entries `npm run build` produces, compose and Kubernetes set only variables
 * their processes read (with values those processes accept), declare, publish and probe ports
 * that are served, and every Envoy bootstrap passes the Envoy-proto checker (mesh/envoy).
 * Needs dist/ (npm test builds first).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../core/paths';
import { checkCompose } from './support/compose-check';
import { deployContext, yamlFilesUnder } from './support/context';
import { checkDockerfile } from './support/dockerfile';
import { checkDockerignore } from './support/dockerignore';
import { checkBootstrap } from './support/envoy-bootstrap';
import { checkK8s } from './support/k8s-check';
import { loadK8s } from './support/k8s-index';
import { knownEnvOf } from './support/known-env';
import { parseYaml, readYaml } from './support/yaml-files';

const root = repoRoot();
const deploy = path.join(root, 'deploy');
const SIDECAR_SERVICES = ['gateway', 'image', 'storage', 'video'];

describe('deployment artefacts', () => {
  it('every YAML file under deploy/ parses (no syntax errors, no duplicate keys)', () => {
    const files = yamlFilesUnder(deploy);
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => readYaml(f, path.relative(root, f)).errors)).toEqual([]);
  });

  it('the Dockerfile is multi-stage, non-root, with ffmpeg, and runs a built entry', () => {
    expect(checkDockerfile(root, fs.readFileSync(path.join(deploy, 'Dockerfile'), 'utf8'))).toEqual([]);
  });

  it('the Dockerfile\'s ignore file keeps every input of the build and leaves out node_modules, dist, .git', () => {
    expect(checkDockerignore(root, fs.readFileSync(path.join(deploy, 'Dockerfile.dockerignore'), 'utf8'))).toEqual([]);
  });

  it('the image ENV sets only MEDIAMESH_* variables some process reads', async () => {
    const ctx = deployContext(root);
    const entries = ['services/storage/main.ts', 'services/image/main.ts', 'services/video/main.ts', 'services/gateway/main.ts', 'mesh/control-plane/main.ts'];
    const known = await Promise.all(entries.filter((e) => fs.existsSync(path.join(root, e))).map((e) => knownEnvOf(root, e)));
    const unread = [...ctx.imageEnv.keys()].filter((k) => k.startsWith('MEDIAMESH_') && !known.some((k2) => k2.lookup(k)));
    expect(unread).toEqual([]);
  });

  it('docker-compose agrees with the code (variables, values, ports, health checks, sidecars)', async () => {
    expect(await checkCompose(deployContext(root), path.join(deploy, 'docker-compose.yml'))).toEqual([]);
  });

  it('the Kubernetes manifests agree with the code (variables, ports, probes, Services, sidecars, resources)', async () => {
    expect(await checkK8s(deployContext(root), path.join(deploy, 'k8s'))).toEqual([]);
  });

  it('every Envoy bootstrap (deploy/envoy and the ConfigMap) passes the Envoy-proto checker', () => {
    const errors: string[] = [];
    for (const service of SIDECAR_SERVICES) {
      const file = path.join(deploy, 'envoy', `${service}.yaml`);
      const y = readYaml(file, path.relative(root, file));
      errors.push(...y.errors, ...checkBootstrap(y.docs[0], path.relative(root, file)).errors);
    }
    const k8s = loadK8s(root, path.join(deploy, 'k8s'));
    const data = k8s.dataOf('ConfigMap', 'envoy-bootstrap') ?? {};
    expect(Object.keys(data).sort()).toEqual(SIDECAR_SERVICES.map((s) => `${s}.yaml`));
    for (const [key, text] of Object.entries(data)) {
      const y = parseYaml(text, `envoy-bootstrap ${key}`);
      errors.push(...y.errors, ...checkBootstrap(y.docs[0], `envoy-bootstrap ${key}`).errors);
    }
    expect(errors).toEqual([]);
  });
});
