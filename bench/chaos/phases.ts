/**
 * The chaos phases, run one after another under steady load. Each returns the time
 * windows it is judged by (a zone outage is judged separately in its first second):
 *  - Chaos Monkey: kill -9 random image, storage and video instances, starting a
 *    replacement in the same zone after each kill;
 *  - Latency Monkey: a delay fault on image calls through the traffic policy;
 *  - Chaos Gorilla: every instance of zone-a killed at once, replacements started later; in its
 *    first second the steady request rate is sent open-loop (traffic.ts);
 *  - ZooKeeper down (SIGKILL, data kept) for longer than the session timeout, restarted;
 *  - the control plane restarted.
 */
import { editPolicy, withFault } from '../../mesh/control-plane/policy/policy-edit';
import type { ServicePolicy } from '../../mesh/control-plane/policy/types';
import { createZkSession } from '../../mesh/registry';
import type { StartedService } from '../../launcher/process';
import { untilPolicyPushed } from './policy-pushed';
import type { ChaosMesh, ChaosService, Member } from './setup';
import type { Traffic } from './traffic';

/** ChaosPlan: how long each phase lasts. */
export interface ChaosPlan {
  readonly warmupMs: number;
  /** Kill rounds of the Chaos Monkey (cycling image, storage, video), and the pause after each. */
  readonly monkeyKills: number;
  readonly monkeyGapMs: number;
  readonly latencyMs: number;
  readonly latencyDelayMs: number;
  readonly latencyPercent: number;
  /** How long the zone stays down before replacements start. */
  readonly gorillaMs: number;
  readonly zkOutageMs: number;
  /** Load observed after ZooKeeper / the control plane come back. */
  readonly recoveryMs: number;
}

/** Window: a named time range whose samples are summarised together. */
export interface Window {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  /** Judge every request in flight during the window, not only those started in it. */
  readonly overlap?: boolean;
  /** The requests the phase sent in it at least (an open loop): fewer means the load stalled. */
  readonly minSent?: number;
}

export interface PhaseContext {
  readonly chaos: ChaosMesh;
  readonly plan: ChaosPlan;
  readonly log: (line: string) => void;
  readonly traffic: Traffic;
  /** The control plane currently running (the restart phase replaces it). */
  controlPlane: StartedService & { statusPort?: number };
}

export type Phase = (ctx: PhaseContext) => Promise<Window[]>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function editImagePolicy(zk: string, edit: (p: ServicePolicy) => ServicePolicy): Promise<void> {
  const session = createZkSession({ connectString: zk });
  try {
    if (!(await session.waitConnected(10_000))) throw new Error(`cannot reach ZooKeeper at ${zk}`);
    await editPolicy(session, '/mediamesh', 'image', edit);
  } finally {
    await session.close();
  }
}

/** killMember removes a member from the live list and kill -9s it. */
async function killMember(ctx: PhaseContext, m: Member): Promise<void> {
  ctx.chaos.members.splice(ctx.chaos.members.indexOf(m), 1);
  await m.proc.kill();
}

export const warmup: Phase = async (ctx) => {
  const from = Date.now();
  await sleep(ctx.plan.warmupMs);
  return [{ name: 'warm-up', from, to: Date.now() }];
};

export const chaosMonkey: Phase = async (ctx) => {
  const from = Date.now();
  const order: ChaosService[] = ['image', 'storage', 'video'];
  for (let round = 0; round < ctx.plan.monkeyKills; round++) {
    const service = order[round % order.length];
    const live = ctx.chaos.members.filter((m) => m.service === service);
    const victim = live[Math.floor(Math.random() * live.length)];
    ctx.log(`  kill -9 ${service} ${victim.proc.pid} (${victim.zone}); starting a replacement`);
    await killMember(ctx, victim);
    await ctx.chaos.replace(service, victim.zone);
    await sleep(ctx.plan.monkeyGapMs);
  }
  return [{ name: 'chaos monkey (kill -9 + replace)', from, to: Date.now() }];
};

export const latencyMonkey: Phase = async (ctx) => {
  const zk = ctx.chaos.mesh.env.MEDIAMESH_ZK;
  const { latencyDelayMs: ms, latencyPercent: percent } = ctx.plan;
  ctx.log(`  fault image: delay ${ms} ms on ${percent}% of calls`);
  const expiresAt = new Date(Date.now() + ctx.plan.latencyMs + 60_000).toISOString();
  // The window covers the time every client has the fault, and the next phase starts without it.
  const pushed = (edit: () => Promise<void>) => untilPolicyPushed(ctx.controlPlane.statusPort, 'image', edit);
  await pushed(() => editImagePolicy(zk, (p) => withFault(p, { delay: { ms, percent }, expiresAt })));
  const from = Date.now();
  await sleep(ctx.plan.latencyMs);
  const to = Date.now();
  await pushed(() => editImagePolicy(zk, (p) => withFault(p, undefined)));
  ctx.log('  fault image: cleared, every client has it');
  return [{ name: `latency monkey (${ms} ms on ${percent}%)`, from, to }];
};

export const chaosGorilla: Phase = async (ctx) => {
  const victims = ctx.chaos.members.filter((m) => m.zone === 'zone-a');
  // The first second is judged by every request in flight during it: none may still carry the
  // previous phase's delay fault (up to latencyDelayMs more, answered within a second).
  await sleep(ctx.plan.latencyDelayMs + 1000);
  // The steady rate, taken in that quiet second, is sent on schedule in the first second after the
  // kill, whatever the answers do (traffic.ts openLoop).
  const perSecond = Math.ceil(ctx.traffic.rate(1000));
  ctx.log(`  kill -9 every zone-a instance at once: ${victims.map((m) => `${m.service}:${m.proc.pid}`).join(' ')}`);
  const from = Date.now();
  const open = ctx.traffic.openLoop(perSecond, 1000, from);
  await Promise.all(victims.map((m) => killMember(ctx, m)));
  await sleep(ctx.plan.gorillaMs);
  await open;
  const down = Date.now();
  ctx.log('  zone-a comes back');
  for (const m of victims) await ctx.chaos.replace(m.service, 'zone-a');
  await sleep(Math.min(3000, ctx.plan.recoveryMs));
  const to = Date.now();
  return [
    { name: 'chaos gorilla: zone-a down, 1st s', from, to: from + 1000, overlap: true, minSent: perSecond },
    { name: 'chaos gorilla: zone-a down, after', from: from + 1000, to: down },
    { name: 'chaos gorilla: zone-a back', from: down, to },
  ];
};

export const zooKeeperOutage: Phase = async (ctx) => {
  const zk = ctx.chaos.mesh.zk;
  ctx.log(`  ZooKeeper stopped for ${ctx.plan.zkOutageMs / 1000} s`);
  const from = Date.now();
  await zk.pause();
  await sleep(ctx.plan.zkOutageMs);
  const back = Date.now();
  await zk.start();
  ctx.log('  ZooKeeper restarted');
  await sleep(ctx.plan.recoveryMs);
  return [
    { name: 'zookeeper down', from, to: back },
    { name: 'zookeeper back', from: back, to: Date.now() },
  ];
};

export const controlPlaneRestart: Phase = async (ctx) => {
  ctx.log('  control plane: SIGTERM, then a new one on the same xDS port');
  const from = Date.now();
  await ctx.controlPlane.stop();
  ctx.controlPlane = await ctx.chaos.mesh.startControlPlane();
  await sleep(ctx.plan.recoveryMs);
  return [{ name: 'control plane restart', from, to: Date.now() }];
};

/** PHASES in the order a run goes through them. */
export const PHASES: readonly Phase[] = [warmup, chaosMonkey, latencyMonkey, chaosGorilla, zooKeeperOutage, controlPlaneRestart];
