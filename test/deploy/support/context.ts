/** context: the DeployContext of a checkout (the mediamesh image's ENV from deploy/Dockerfile). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeployContext } from './compose-check';
import { envOf, parseDockerfile } from './dockerfile';

/** deployContext reads deploy/Dockerfile (or dockerfile) of root. */
export function deployContext(root: string, dockerfile = path.join(root, 'deploy/Dockerfile')): DeployContext {
  const stages = parseDockerfile(fs.readFileSync(dockerfile, 'utf8'));
  return { root, imageEnv: stages.length ? envOf(stages[stages.length - 1]) : new Map() };
}

/** yamlFilesUnder lists every .yaml/.yml file below dir. */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}
