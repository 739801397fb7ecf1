/**
 * `npm run chaos` (node dist/bench/chaos-run.js [--short]): the full chaos run — Chaos
 * Monkey, Latency Monkey, Chaos Gorilla, a 30 s ZooKeeper outage and a control-plane
 * restart under steady HTTP + xds:/// gRPC load — printing each phase, writing
 * bench/RESULTS.md, and exiting 1 when a target is missed.
 */
import * as path from 'node:path';
import { repoRoot } from '../core/paths';
import { FULL_PLAN, runChaos, SHORT_PLAN, writeResults } from './chaos/run-chaos';

/** main runs the chaos suite; resolves with the exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const short = argv.includes('--short');
  // The default mesh is the one `npm start` runs: a sidecar per process (MEDIAMESH_MESH_MODE=proxyless for the other).
  const meshMode = process.env.MEDIAMESH_MESH_MODE === 'proxyless' ? 'proxyless' : 'envoy';
  const result = await runChaos({ plan: short ? SHORT_PLAN : FULL_PLAN, sessionTimeoutMs: short ? 6000 : 15_000, echo: argv.includes('--echo'), meshMode });
  if (!short) {
    const file = path.join(repoRoot(), 'bench', 'RESULTS.md');
    writeResults(file, result);
    process.stdout.write(`results written to ${file}\n`);
  }
  for (const m of result.missed) process.stdout.write(`MISSED ${m}\n`);
  return result.missed.length ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`chaos: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
