import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { distEntry } from '../../core/paths';

const guards = distEntry('core/crash-guards.ts');
const logMod = distEntry('core/log.ts');
const run = (body: string) =>
  spawnSync(process.execPath, ['-e', `const { installCrashGuards } = require(${JSON.stringify(guards)}); const { createLogger } = require(${JSON.stringify(logMod)});
installCrashGuards(createLogger({ service: 'guard-test' })); ${body}`], { encoding: 'utf8', timeout: 10_000 });

describe('crash guards (real child process)', () => {
  it('logs an unhandled rejection with its stack and keeps running', () => {
    const r = run(`Promise.reject(new Error('background bug')); setTimeout(() => { console.log('still alive'); process.exit(0); }, 200);`);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/"event":"unhandled-rejection".*background bug/);
    expect(r.stdout).toMatch(/still alive/);
  });

  it('logs an uncaught exception and exits 1', () => {
    const r = run(`setTimeout(() => { throw new Error('state unknown'); }, 10); setTimeout(() => console.log('never'), 500);`);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/"event":"uncaught-exception".*state unknown/);
    expect(r.stderr).toMatch(/uncaught exception: Error: state unknown/);
    expect(r.stdout).not.toMatch(/never/);
  });
});
