/**
 * The import rules of ARCHITECTURE.md hold: dependency-cruiser over every TypeScript import of
 * the repository with .dependency-cruiser.cjs finds no violation. And the check can fail: a
 * small tree with one planted forbidden import per rule (core importing a service, a gateway
 * reaching sharp through another module, a cycle, an import around an index, …) is cruised with
 * the same rules, and every planted import is reported by its rule.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ICruiseOptions, ICruiseResult, IViolation } from 'dependency-cruiser';

const root = path.resolve(__dirname, '../..');
const CONFIG = path.join(root, '.dependency-cruiser.cjs');
const DIRS = ['core', 'fop', 'generated', 'services', 'mesh', 'observability', 'launcher', 'bench', 'test'];

async function cruiseIn(baseDir: string, dirs: string[], withTsConfig: boolean): Promise<IViolation[]> {
  const { cruise } = await import('dependency-cruiser');
  // Subpath exports: loaded by name (this tsconfig's moduleResolution does not read "exports").
  const load = (name: string) => import(name) as Promise<{ default: (file: string) => unknown }>;
  const extractDepcruiseOptions = (await load('dependency-cruiser/config-utl/extract-depcruise-options')).default as (file: string) => Promise<ICruiseOptions>;
  const extractTSConfig = (await load('dependency-cruiser/config-utl/extract-ts-config')).default as (file: string) => object;
  const options: ICruiseOptions = { ...(await extractDepcruiseOptions(CONFIG)), baseDir };
  if (!withTsConfig) delete options.tsConfig;
  const tsConfig = withTsConfig ? extractTSConfig(path.join(root, 'tsconfig.json')) : undefined;
  const cwd = process.cwd();
  // dependency-cruiser resolves the rules' paths against the working directory.
  process.chdir(baseDir);
  try {
    const result = await cruise(dirs.filter((d) => fs.existsSync(path.join(baseDir, d))), options, undefined, tsConfig ? { tsConfig } : undefined);
    return (result.output as ICruiseResult).summary.violations;
  } finally {
    process.chdir(cwd);
  }
}

const describeViolation = (v: IViolation) => `${v.rule.name}: ${v.from} → ${v.to}`;

describe('import rules (dependency-cruiser)', () => {
  it('the repository has no forbidden import', async () => {
    const violations = await cruiseIn(root, DIRS, true);
    expect(violations.map(describeViolation)).toEqual([]);
  });

  const planted = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-import-rules-'));
  afterAll(() => fs.rmSync(planted, { recursive: true, force: true }));

  /** One forbidden import per rule: [file, its source, the rule that must report it]. */
  const PLANTS: Array<[string, string, string]> = [
    ['core/kernel.ts', "import '../services/runtime/index';\n", 'core-imports-nothing-of-ours'],
    ['observability/trace.ts', "import '../mesh/client/index';\n", 'observability-imports-only-core'],
    ['fop/parse.ts', "import '../observability/trace';\n", 'fop-imports-only-generated-and-core'],
    ['generated/msg.ts', "import '../core/kernel';\n", 'generated-imports-nothing-of-ours'],
    ['mesh/registry/index.ts', "import '../../services/runtime/index';\n", 'mesh-never-imports-services'],
    ['mesh/control-plane/index.ts', "import '../cli/main';\n", 'control-plane-never-imports-cli-or-launcher'],
    ['services/video/main.ts', "import '../../mesh/control-plane/index';\n", 'services-use-only-client-and-registry'],
    ['services/gateway/server.ts', "import '../image/resize';\n", 'gateway-never-touches-media-libraries'],
    ['services/image/resize.ts', "import 'sharp';\n", ''],
    ['launcher/mesh.ts', "import '../test/harness/helper';\n", 'product-never-imports-tests'],
    ['services/runtime/index.ts', "import '../../launcher/mesh';\n", 'cli-and-launcher-are-the-top-layer'],
    ['mesh/client/a.ts', "import './b';\n", 'no-circular'],
    ['mesh/client/b.ts', "import './a';\n", ''],
    ['mesh/client/index.ts', "export {};\n", ''],
    ['mesh/envoy/bootstrap.ts', "import '../client/a';\n", 'through-index:mesh/client'],
    ['mesh/cli/main.ts', "export {};\n", ''],
    ['test/harness/helper.ts', "export {};\n", ''],
  ];
  for (const [file, source] of PLANTS) {
    fs.mkdirSync(path.dirname(path.join(planted, file)), { recursive: true });
    fs.writeFileSync(path.join(planted, file), source);
  }
  // sharp resolves from the planted tree as from the repository.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(planted, 'node_modules'), 'dir');

  it.each(PLANTS.filter(([, , rule]) => rule).map(([file, , rule]) => [file, rule]))('a planted import in %s fails %s', async (file, rule) => {
    const violations = await cruiseIn(planted, DIRS, false);
    const ofRule = violations.filter((v) => v.rule.name === rule);
    expect(ofRule.map(describeViolation).join('\n'), `no ${rule} violation; got:\n${violations.map(describeViolation).join('\n')}`).toContain(file);
  });
});
