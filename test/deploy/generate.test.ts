/**
 * The committed Envoy bootstraps (deploy/envoy/*.yaml, deploy/k8s/envoy-bootstrap.yaml) are
 * exactly what deploy/envoy/generate.sh makes with today's `mediamesh envoy-bootstrap`:
 * regenerated into a temp dir and compared byte for byte. Needs dist/ (the CLI).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../core/paths';

const root = repoRoot();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-deploy-gen-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('deploy/envoy/generate.sh', () => {
  it('regenerates the committed bootstraps unchanged', () => {
    execFileSync('bash', [path.join(root, 'deploy/envoy/generate.sh'), out], { cwd: root, stdio: 'pipe', timeout: 120_000 });
    const files = [...fs.readdirSync(path.join(out, 'envoy')).map((f) => `envoy/${f}`), 'k8s/envoy-bootstrap.yaml'];
    expect(files.sort()).toEqual(['envoy/gateway.yaml', 'envoy/image.yaml', 'envoy/storage.yaml', 'envoy/video.yaml', 'k8s/envoy-bootstrap.yaml']);
    const stale = files.filter((f) => fs.readFileSync(path.join(out, f), 'utf8') !== fs.readFileSync(path.join(root, 'deploy', f), 'utf8'));
    expect(stale, 'stale: run deploy/envoy/generate.sh and commit the result').toEqual([]);
  });
});
