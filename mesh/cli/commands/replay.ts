/**
 * `mediamesh replay`: send a gateway recording (MEDIAMESH_GATEWAY_RECORD) to another
 * deployment and compare each answer's status and size with the recorded one. Only GET
 * and HEAD are replayed: bodies are never recorded, so uploads and deletes are counted as
 * skipped rather than sent half-formed. Exit 1 when any answer differs.
 */
import * as fs from 'node:fs';
import { parseRecording, type RecordedRequest } from '../../../services/gateway/recorder';
import { flag, UsageError, type Command, type ParsedArgs } from '../command';

/** ReplayOptions: where to send and at what pace. */
export interface ReplayOptions {
  readonly target: string;
  /** Fixed rate in requests per second… */
  readonly rate?: number;
  /** …or the recorded timing scaled by this factor (2 = twice as fast). Default 1. */
  readonly speed?: number;
  /** Bearer token sent on requests that were recorded with an Authorization header. */
  readonly authToken?: string;
  /** Requests in flight at most (default 32). */
  readonly concurrency?: number;
}

/** Mismatch: one replayed request whose answer differs from the recording. */
export interface Mismatch {
  readonly line: RecordedRequest;
  readonly status: number | string;
  readonly size?: number;
}

export interface ReplayReport {
  readonly sent: number;
  readonly skipped: number;
  readonly mismatches: Mismatch[];
}

const REPLAYABLE = new Set(['GET', 'HEAD']);

/** sendOne replays one request and returns status and body size (or the network error). */
async function sendOne(target: string, r: RecordedRequest, authToken?: string): Promise<{ status: number | string; size?: number }> {
  const headers: Record<string, string> = { ...r.headers };
  if (r.auth && authToken) headers.authorization = `Bearer ${authToken}`;
  try {
    const res = await fetch(new URL(r.url, target), { method: r.method, headers, redirect: 'manual' });
    const body = await res.arrayBuffer();
    const length = res.headers.get('content-length');
    return { status: res.status, size: r.method === 'HEAD' ? 0 : length !== null ? Number(length) : body.byteLength };
  } catch (err) {
    return { status: `network error: ${(err as Error).cause ?? (err as Error).message}` };
  }
}

/** isMismatch: status differs, or both sizes are known and differ. */
export function isMismatch(r: RecordedRequest, got: { status: number | string; size?: number }): boolean {
  if (got.status !== r.status) return true;
  return r.size !== undefined && got.size !== undefined && got.size !== r.size;
}

/** replay sends the replayable records at the chosen pace and collects mismatches. */
export async function replay(records: readonly RecordedRequest[], opts: ReplayOptions): Promise<ReplayReport> {
  const todo = records.filter((r) => REPLAYABLE.has(r.method));
  const mismatches: Mismatch[] = [];
  const limit = opts.concurrency ?? 32;
  const started = Date.now();
  const first = todo[0]?.t ?? 0;
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < todo.length; i++) {
    const r = todo[i];
    const dueMs = opts.rate ? (i * 1000) / opts.rate : (r.t - first) / (opts.speed ?? 1);
    const wait = started + dueMs - Date.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    while (inFlight.size >= limit) await Promise.race(inFlight);
    const p: Promise<void> = sendOne(opts.target, r, opts.authToken).then((got) => {
      if (isMismatch(r, got)) mismatches.push({ line: r, ...got });
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return { sent: todo.length, skipped: records.length - todo.length, mismatches };
}

function positiveNumber(p: ParsedArgs, name: string): number | undefined {
  const raw = p.flags[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(v) || v <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return v;
}

/** describeMismatch is one report line. */
export function describeMismatch(m: Mismatch): string {
  const want = `${m.line.status}${m.line.size !== undefined ? ` ${m.line.size} B` : ''}`;
  const got = `${m.status}${m.size !== undefined ? ` ${m.size} B` : ''}`;
  return `  ${m.line.method} ${m.line.url.slice(0, 200)}: recorded ${want}, got ${got}`;
}

export const command: Command = {
  summary: 'replay a gateway recording (MEDIAMESH_GATEWAY_RECORD) against a deployment; exit 1 on mismatched status or size',
  usage: `usage: mediamesh replay <recording.jsonl> --target <url> [--rate <req/s> | --speed <x>] [--auth-token <t>] [--concurrency 32]
Replays GET and HEAD lines (others are skipped: bodies are not recorded) at the recorded
pace (--speed 1, 2 = twice as fast) or at a fixed --rate, and compares status and size.
--auth-token (default MEDIAMESH_ADMIN_TOKEN) is sent as a Bearer token on requests that were recorded with one.`,
  options: { target: { type: 'string' }, rate: { type: 'string' }, speed: { type: 'string' }, 'auth-token': { type: 'string' }, concurrency: { type: 'string' } },
  positionals: 1,
  async run(p) {
    const file = p.positional[0];
    if (!file) throw new UsageError('name the recording file');
    const target = flag(p, 'target');
    if (!/^https?:\/\/[^/]+/.test(target)) throw new UsageError(`--target must be an http(s) URL, got ${JSON.stringify(target)}`);
    const rate = positiveNumber(p, 'rate');
    const speed = positiveNumber(p, 'speed');
    if (rate && speed) throw new UsageError('pass --rate or --speed, not both');
    const concurrency = positiveNumber(p, 'concurrency');
    if (!fs.existsSync(file)) throw new UsageError(`no such recording: ${file}`);
    const { records, errors } = parseRecording(fs.readFileSync(file, 'utf8'));
    if (errors.length) {
      process.stderr.write(`${file}: ${errors.length} bad line(s):\n${errors.slice(0, 20).join('\n')}\n`);
      return 2;
    }
    const authToken = (typeof p.flags['auth-token'] === 'string' ? p.flags['auth-token'] : undefined) ?? process.env.MEDIAMESH_ADMIN_TOKEN;
    const report = await replay(records, { target, rate, speed, authToken, concurrency: concurrency && Math.ceil(concurrency) });
    const lines = [`replayed ${report.sent} request(s) against ${target} (${report.skipped} skipped: not GET/HEAD), ${report.mismatches.length} mismatch(es)`];
    for (const m of report.mismatches.slice(0, 50)) lines.push(describeMismatch(m));
    if (report.mismatches.length > 50) lines.push(`  … and ${report.mismatches.length - 50} more`);
    process.stdout.write(lines.join('\n') + '\n');
    return report.mismatches.length ? 1 : 0;
  },
};
