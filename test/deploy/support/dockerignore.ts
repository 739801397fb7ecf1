/**
 * dockerignore: deploy/Dockerfile.dockerignore must keep the context small (node_modules, dist,
 * .git out) without dropping anything the build reads: the npm manifests, the tsconfigs and
 * every folder tsconfig.build.json compiles, the protos and CLI the runtime copies, and the
 * health check script. Matching follows Docker's rules closely enough for these paths: patterns
 * in order, `!` re-includes, `*` within a segment, `**` across segments, a match on a parent
 * folder excludes everything below it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function toRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/+|\/+$/g, '')
    .split(/(\*\*\/?|\*|\?)/)
    .map((part) => (part.startsWith('**') ? '(?:.*/)?' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** isIgnored tells whether the context path rel (e.g. "test/harness/ports.ts") is left out. */
export function isIgnored(ignoreText: string, rel: string): boolean {
  const rules = ignoreText
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ negate: l.startsWith('!'), re: toRegex(l.replace(/^!/, '')) }));
  const segments = rel.split('/');
  let ignored = false;
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    // A parent folder that stays excluded takes everything below it (Docker does not descend).
    if (i < segments.length && ignored) return true;
    for (const r of rules) if (r.re.test(prefix)) ignored = !r.negate;
  }
  return ignored;
}

/** checkDockerignore reports needed paths the ignore file drops and bulky paths it lets in. */
export function checkDockerignore(root: string, ignoreText: string, where = 'deploy/Dockerfile.dockerignore'): string[] {
  const errors: string[] = [];
  const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as { include?: string[] };
  const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'proto', 'bin', 'deploy/healthcheck.js', ...(build.include ?? [])];
  for (const p of needed) {
    if (!fs.existsSync(path.join(root, p))) continue;
    const sample = fs.statSync(path.join(root, p)).isDirectory() ? `${p}/x.ts` : p;
    if (isIgnored(ignoreText, sample)) errors.push(`${where}: drops ${p}, which the image build needs`);
  }
  for (const bulky of ['node_modules', 'dist', '.git', '.mediamesh']) if (!isIgnored(ignoreText, `${bulky}/x`)) errors.push(`${where}: sends ${bulky}/ to the build context`);
  return errors;
}
