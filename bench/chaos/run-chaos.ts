/**
 * runChaos: one chaos run — the mesh up, steady load on, every phase in turn, load off,
 * fixtures read back — judged against the targets of issues 10 and 23 and optionally written
 * to bench/RESULTS.md. Shared by `npm run chaos` (bench/chaos-run.ts, FULL_PLAN) and the
 * short version inside `npm test` (test/chaos/chaos-short.test.ts, SHORT_PLAN).
 */
import * as fs from 'node:fs';
import { setLogLevel } from '../../core/log';
import { PHASES, type ChaosPlan, type PhaseContext, type Window } from './phases';
import { startChaosMesh } from './setup';
import { describeMachine, formatStats, summarize, type PhaseStats } from './stats';
import { startTraffic } from './traffic';

/** FULL_PLAN: `npm run chaos` (about 3 minutes of chaos). */
export const FULL_PLAN: ChaosPlan = {
  warmupMs: 5000,
  monkeyKills: 9,
  monkeyGapMs: 4000,
  latencyMs: 20_000,
  latencyDelayMs: 200,
  latencyPercent: 30,
  gorillaMs: 10_000,
  zkOutageMs: 30_000,
  recoveryMs: 10_000,
};

/** SHORT_PLAN: the same phases inside `npm test`; ZooKeeper stays down past a 6 s session timeout. */
export const SHORT_PLAN: ChaosPlan = {
  warmupMs: 2000,
  monkeyKills: 3,
  monkeyGapMs: 3000,
  latencyMs: 6000,
  latencyDelayMs: 200,
  latencyPercent: 30,
  gorillaMs: 5000,
  zkOutageMs: 9000,
  recoveryMs: 4000,
};

export interface ChaosRunOptions {
  readonly plan: ChaosPlan;
  /** MEDIAMESH_ZK_SESSION_TIMEOUT_MS of every instance (kill -9'd registrations linger this long). */
  readonly sessionTimeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly echo?: boolean;
  /** The mesh's data plane: 'envoy' (a sidecar per process, what `npm start` runs) or 'proxyless'. */
  readonly meshMode: 'envoy' | 'proxyless';
}

export interface ChaosResult {
  readonly windows: PhaseStats[];
  readonly total: { sent: number; failed: number };
  /** Every failed request: time since the run started, load loop, error. */
  readonly failures: string[];
  /** Fixture keys not read back byte-identical. */
  readonly corrupted: string[];
  /** Targets missed, one sentence each (empty = all met). */
  readonly missed: string[];
  readonly machine: string;
  readonly plan: ChaosPlan;
  readonly meshMode: 'envoy' | 'proxyless';
}

/** FAILOVER_P99_MS: a zone outage's first second, every request in flight during it included. */
export const FAILOVER_P99_MS = 300;

/**
 * missedTargets: 0 failures in every window and between them; a zone outage's first second also
 * within FAILOVER_P99_MS at p99, with at least the requests its phase sent on schedule (the
 * steady rate, open-loop: a stall cannot pass on a handful of samples).
 */
export function missedTargets(windows: readonly PhaseStats[], corrupted: readonly string[], failedBetween = 0): string[] {
  const missed: string[] = [];
  if (failedBetween) missed.push(`between phases: ${failedBetween} failed (target 0)`);
  for (const w of windows) {
    if (w.failed) missed.push(`${w.phase}: ${w.failed} failed (target 0)`);
    if (w.minSent !== undefined && w.sent < w.minSent) missed.push(`${w.phase}: ${w.sent} requests (target: at least the ${w.minSent} sent on schedule)`);
    if (w.phase.endsWith('1st s') && w.p99 >= FAILOVER_P99_MS) missed.push(`${w.phase}: p99 ${w.p99.toFixed(0)} ms (target < ${FAILOVER_P99_MS} ms)`);
  }
  if (corrupted.length) missed.push(`objects not read back byte-identical: ${corrupted.join(', ')}`);
  return missed;
}

/** runChaos runs every phase under load and returns the judged result. */
export async function runChaos(opts: ChaosRunOptions): Promise<ChaosResult> {
  const out = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const machine = describeMachine();
  const t0 = Date.now();
  // Phase lines carry the time since the start, so a failure (listed with its time) can be
  // matched with the kill or outage that caused it.
  const log = (line: string) => out(line.startsWith(' ') || line.startsWith('phase') ? `${`+${((Date.now() - t0) / 1000).toFixed(1)}s`.padStart(8)} ${line}` : line);
  setLogLevel('error'); // this process's own ZooKeeper sessions (policy edits) would bury the phase lines
  const chaos = await startChaosMesh({
    env: { MEDIAMESH_ZK_SESSION_TIMEOUT_MS: String(opts.sessionTimeoutMs ?? 15_000) },
    echo: opts.echo,
    meshMode: opts.meshMode,
  });
  log(`mesh: ${opts.meshMode === 'envoy' ? 'an Envoy sidecar per process' : 'proxyless (grpc-js-xds)'}`);
  try {
    const b = chaos.bucket;
    const traffic = startTraffic({
      gatewayUrl: chaos.mesh.gateway!.url,
      xdsPort: chaos.xdsPort,
      http: [
        { kind: 'http-thumb', path: `/${b}/sample.jpg?imageView2/1/w/100/h/100` },
        { kind: 'http-object', path: `/${b}/blob.bin` },
        { kind: 'http-avinfo', path: `/${b}/clip.mp4?avinfo` },
      ],
      storageObject: { bucket: b, key: 'blob.bin' },
      png: chaos.png,
    });
    const windows: Window[] = [];
    const judge = (w: Window) => summarize(w.name, traffic.samples, w.from, w.to, w.overlap, w.minSent);
    const ctx: PhaseContext = { chaos, plan: opts.plan, log, traffic, controlPlane: chaos.mesh.controlPlane };
    try {
      for (const phase of PHASES) {
        log(`phase ${phase.name}`);
        windows.push(...(await phase(ctx)));
      }
    } finally {
      await traffic.stop();
    }
    const stats = windows.map(judge);
    for (const s of stats) log(formatStats(s));
    const corrupted = await chaos.verifyFixtures();
    log(`fixtures read back: ${chaos.fixtures.length - corrupted.length}/${chaos.fixtures.length} byte-identical`);
    const failures = traffic.samples.filter((s) => s.error).map((s) => `+${((s.at - t0) / 1000).toFixed(1)}s ${s.kind}: ${s.error!.slice(0, 200)}`);
    for (const f of failures.slice(0, 20)) log(`failed ${f}`);
    const total = { sent: traffic.samples.length, failed: failures.length };
    log(`chaos: ${total.sent} requests, ${total.failed} failed`);
    for (const r of (chaos.mesh.gateway?.logs ?? []).filter((l) => l.event === 'unhandled-rejection').slice(0, 3)) {
      log(`gateway unhandled rejection (kept serving): ${String(r.err).slice(0, 1500)}`);
    }
    // The gateway and the control plane are never killed on purpose: if one died, say how.
    for (const [name, proc] of [['gateway', chaos.mesh.gateway], ['control plane', chaos.mesh.controlPlane]] as const) {
      if (!proc || proc.child.exitCode === 0 || (proc.child.exitCode === null && proc.child.signalCode === null)) continue;
      const errors = proc.logs.filter((l) => l.level === 'error').slice(-5).map((l) => JSON.stringify(l));
      log(`${name} exited (${proc.child.exitCode ?? proc.child.signalCode}); stderr: ${proc.stderr().slice(-3000)}; last error logs: ${errors.join(' ')}`);
    }
    // Requests that started in no window (policy pushes, settling) are held to 0 failures too.
    const failedBetween = traffic.samples.filter((s) => s.error && !windows.some((w) => s.at >= w.from && s.at < w.to)).length;
    return { windows: stats, total, failures, corrupted, missed: missedTargets(stats, corrupted, failedBetween), machine, plan: opts.plan, meshMode: opts.meshMode };
  } finally {
    await chaos.stop();
  }
}

/** writeResults writes the last full run to a Markdown file (bench/RESULTS.md). */
export function writeResults(file: string, r: ChaosResult): void {
  const slowOf = (w: PhaseStats) => Object.entries(w.slow).map(([k, n]) => `${k} ×${n}`).join(', ') || '–';
  const rows = r.windows.map((w) => `| ${w.phase} | ${w.sent}${w.minSent !== undefined ? ` (${w.minSent} on schedule)` : ''} | ${w.failed} | ${w.p50.toFixed(0)} | ${w.p99.toFixed(0)} | ${slowOf(w)} |`);
  const text = [
    '# Chaos results (last full run)',
    '',
    'Written by `npm run chaos` (bench/chaos-run.ts); do not edit by hand.',
    '',
    `Machine: ${r.machine}`,
    '',
    `Data plane: ${r.meshMode === 'envoy' ? 'an Envoy sidecar per mesh process (MEDIAMESH_MESH_MODE=envoy)' : 'proxyless grpc-js-xds (MEDIAMESH_MESH_MODE=proxyless)'}`,
    '',
    `Plan: ${JSON.stringify(r.plan)}`,
    '',
    'Load: HTTP through the gateway (thumbnail, object read, avinfo; 2 loops) and proxyless `xds:///` gRPC (ImageService.Info, StorageService.StatObject; 2 loops).',
    '',
    'In the zone outage\'s first second the load is sent open-loop at the rate of the quiet second before the kill ("on schedule"), and the row counts every request in flight during it (started before the kill included); the other rows count requests started in the window.',
    '',
    '| phase | requests | failed | p50 ms | p99 ms | slower than 1 s |',
    '|---|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `**chaos: ${r.total.sent} requests, ${r.total.failed} failed**; fixtures corrupted: ${r.corrupted.length ? r.corrupted.join(', ') : 'none'}.`,
    '',
    ...(r.failures.length ? ['Failed requests (time since the run started):', ...r.failures.slice(0, 50).map((f) => `- \`${f}\``), ''] : []),
    r.missed.length ? `Targets missed:\n${r.missed.map((m) => `- ${m}`).join('\n')}` : 'All targets met.',
    '',
  ];
  fs.writeFileSync(file, text.join('\n'));
}
