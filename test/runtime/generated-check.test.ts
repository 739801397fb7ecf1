import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../core/paths';

// A copy of the contract tooling (proto/, generated/, buf config, scripts) in a temp dir,
// with node_modules linked, so the check can be shown to fail without touching the checkout.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediamesh-gen-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('generated code staleness check', () => {
  it('passes on the checkout and fails once a .proto changes without regeneration', () => {
    const root = repoRoot();
    for (const p of ['proto', 'generated', 'scripts', 'buf.yaml', 'buf.gen.yaml']) {
      fs.cpSync(path.join(root, p), path.join(dir, p), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    const check = () => spawnSync('bash', ['scripts/generate.sh', '--check'], { cwd: dir, encoding: 'utf8' });
    expect(check().status).toBe(0);

    const proto = path.join(dir, 'proto/mediamesh/common/v1/common.proto');
    fs.appendFileSync(proto, '\n// StaleProbe exists only to show the check fails.\nmessage StaleProbe {\n  // A field.\n  string x = 1;\n}\n');
    const stale = check();
    expect(stale.status).not.toBe(0);
    expect(stale.stderr).toMatch(/generated\/ is stale/);

    execFileSync('bash', ['scripts/generate.sh'], { cwd: dir });
    expect(check().status).toBe(0);
  });
});
