/**
 * known-env: which MEDIAMESH_* variables a process really reads, collected from the code
 * rather than from a list kept by hand. A process is named by its entry file
 * (dist/services/image/main.js → services/image/main.ts); its variables are those named in
 * every source file reachable from the entry through relative imports: spec objects
 * (`name: 'MEDIAMESH_…'`), direct reads (`env.MEDIAMESH_…`) and read prefixes
 * (`MEDIAMESH_DIRECT_${…}`). Spec objects exported by reachable *config.ts files are imported,
 * so a value in a manifest is parsed exactly as the process would parse it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** KnownVariable is one variable a process reads; parse is set when its spec could be imported. */
export interface KnownVariable {
  readonly name: string;
  readonly fallback?: unknown;
  readonly parse?: (raw: string) => unknown;
  readonly files: string[];
}

/** KnownEnv answers "does this process read this variable?". */
export interface KnownEnv {
  /** Entry source, e.g. services/image/main.ts. */
  readonly entry: string;
  /** Every source reachable from the entry (repo-relative). */
  readonly sources: readonly string[];
  readonly variables: ReadonlyMap<string, KnownVariable>;
  /** Prefixes read dynamically, e.g. MEDIAMESH_DIRECT_ (MEDIAMESH_DIRECT_<SERVICE>). */
  readonly prefixes: readonly string[];
  lookup(name: string): KnownVariable | undefined;
}

// OTEL_* specs are collected too, so their values are parse-checked where a process declares them.
const SPEC_NAME = /name:\s*['"]((?:MEDIAMESH|OTEL)_[A-Z0-9_]+)['"]/g;
const ENV_READ = /env(?:\.|\[['"])(MEDIAMESH_[A-Z0-9_]+)/g;
const ENV_PREFIX = /`(MEDIAMESH_[A-Z0-9_]*_)\$\{/g;
const RELATIVE_IMPORT = /(?:from\s+|import\s+|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** sourceOfEntry maps `dist/services/image/main.js` to `services/image/main.ts` (undefined when not under dist/). */
export function sourceOfEntry(entry: string): string | undefined {
  const m = /^(?:\.\/|\/app\/)?dist\/(.+)\.js$/.exec(entry);
  return m ? `${m[1]}.ts` : undefined;
}

function resolveImport(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** reachableSources lists every .ts file reachable from entry through relative imports. */
export function reachableSources(root: string, entry: string): string[] {
  const seen = new Set<string>();
  const queue = [path.join(root, entry)];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file) || !fs.existsSync(file)) continue;
    seen.add(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const next = resolveImport(file, m[1]);
      if (next && !/[\\/]generated[\\/]/.test(next)) queue.push(next);
    }
  }
  return [...seen].sort();
}

const cache = new Map<string, Promise<KnownEnv>>();

/** knownEnvOf collects the variables read by the process whose entry source is `entry`, cached. */
export function knownEnvOf(root: string, entry: string): Promise<KnownEnv> {
  const key = `${root}\0${entry}`;
  let p = cache.get(key);
  if (!p) cache.set(key, (p = collect(root, entry)));
  return p;
}

async function collect(root: string, entry: string): Promise<KnownEnv> {
  const variables = new Map<string, KnownVariable>();
  const prefixes = new Set<string>();
  const note = (name: string, file: string) => {
    const v = variables.get(name) ?? { name, files: [] };
    if (!v.files.includes(file)) v.files.push(file);
    variables.set(name, v);
  };
  const specFiles: string[] = [];
  const sources = reachableSources(root, entry);
  for (const file of sources) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    let specs = 0;
    for (const m of text.matchAll(SPEC_NAME)) (note(m[1], rel), specs++);
    for (const m of text.matchAll(ENV_READ)) note(m[1], rel);
    for (const m of text.matchAll(ENV_PREFIX)) prefixes.add(m[1]);
    if (specs > 0 && /config\.ts$/.test(file)) specFiles.push(file);
  }
  for (const file of specFiles) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (!value || typeof value !== 'object') continue;
      for (const spec of Object.values(value as Record<string, unknown>)) {
        const s = spec as { name?: unknown; parse?: unknown; fallback?: unknown } | null;
        if (!s || typeof s.name !== 'string' || typeof s.parse !== 'function' || !variables.has(s.name)) continue;
        variables.set(s.name, { ...variables.get(s.name)!, parse: s.parse as (raw: string) => unknown, fallback: s.fallback });
      }
    }
  }
  const lookup = (name: string): KnownVariable | undefined => {
    const v = variables.get(name);
    if (v) return v;
    const prefix = [...prefixes].find((p) => name.startsWith(p));
    return prefix ? { name, files: [] } : undefined;
  };
  return { entry, sources: sources.map((f) => path.relative(root, f)), variables, prefixes: [...prefixes], lookup };
}
