/**
 * The import rules of the house (ARCHITECTURE.md says why), checked by dependency-cruiser
 * over the TypeScript imports: `npm run lint:imports`, and test/architecture/import-rules.test.ts
 * in `npm test`. Paths are relative to the repository root.
 */
const PRODUCT = '^(core|fop|generated|services|mesh|observability|launcher)/';
const SPEC = '\\.spec\\.ts$';

/** Folders whose index.ts is their public surface: code outside imports through it (tests may reach inside). */
const SURFACES = ['fop', 'mesh/client', 'mesh/registry', 'mesh/envoy', 'mesh/envoy-api', 'mesh/control-plane', 'observability', 'services/runtime'];

/**
 * Modules outside any surface on purpose: observability/start is every process's first
 * import (the SDK must patch @grpc/grpc-js and http before they load), so it is imported
 * by itself; an index import would load the rest of observability/ first. A process entry
 * (main.ts) is run, not used as an API: the CLI's `control-plane` command runs the control
 * plane's main in its own process.
 */
const BESIDE_THE_SURFACE = ['^observability/start\\.ts$', '/main\\.ts$'];

module.exports = {
  forbidden: [
    {
      name: 'core-imports-nothing-of-ours',
      comment: 'core/ is the kernel: everything may import it, it imports nothing of ours.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(fop|generated|services|mesh|observability|launcher|test|bench)/' },
    },
    {
      name: 'observability-imports-only-core',
      severity: 'error',
      from: { path: '^observability/' },
      to: { path: '^(fop|generated|services|mesh|launcher|test|bench)/' },
    },
    {
      name: 'fop-imports-only-generated-and-core',
      severity: 'error',
      from: { path: '^fop/' },
      to: { path: '^(services|mesh|observability|launcher|test|bench)/' },
    },
    {
      name: 'generated-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^generated/' },
      to: { path: '^(core|fop|services|mesh|observability|launcher|test|bench)/' },
    },
    {
      name: 'mesh-never-imports-services',
      comment: 'mesh/* (except the CLI, the top layer) never imports services/*.',
      severity: 'error',
      from: { path: '^mesh/', pathNot: '^mesh/cli/' },
      to: { path: '^services/' },
    },
    {
      name: 'control-plane-never-imports-cli-or-launcher',
      severity: 'error',
      from: { path: '^mesh/control-plane/' },
      to: { path: '^(mesh/cli|launcher)/' },
    },
    {
      name: 'services-use-only-client-and-registry',
      comment: 'services/* dial through mesh/client and register through mesh/registry (the service host), never the control plane, Envoy config or the CLI.',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '^mesh/(control-plane|envoy|envoy-api|cli)/' },
    },
    {
      name: 'gateway-never-touches-media-libraries',
      comment: 'Media work happens only in the image and video services.',
      severity: 'error',
      from: { path: '^services/gateway/' },
      to: { path: 'node_modules/(sharp|fluent-ffmpeg)/', reachable: true },
    },
    {
      name: 'product-never-imports-tests',
      comment: 'The launcher is product code tests use, never the reverse: nothing of the product imports test/ or bench/ (specs beside the code are tests).',
      severity: 'error',
      from: { path: PRODUCT, pathNot: SPEC },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'cli-and-launcher-are-the-top-layer',
      comment: 'Only the CLI, the launcher, tests and benchmarks import the CLI or the launcher.',
      severity: 'error',
      from: { path: '^(core|fop|generated|services|observability|mesh/(?!cli/))', pathNot: SPEC },
      to: { path: '^(mesh/cli|launcher)/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles among our files.',
      severity: 'error',
      from: { path: PRODUCT },
      to: { circular: true },
    },
    ...SURFACES.map((dir) => ({
      name: `through-index:${dir}`,
      comment: `${dir}/index.ts is the folder's public surface: code outside ${dir}/ imports through it.`,
      severity: 'error',
      from: { path: PRODUCT, pathNot: [`^${dir}/`, SPEC] },
      to: { path: `^${dir}/`, pathNot: [`^${dir}/index\\.ts$`, ...BESIDE_THE_SURFACE] },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
