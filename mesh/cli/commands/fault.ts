/** `mediamesh fault`: inject delays and aborts into a service's calls, with an expiry. */
import { UsageError, type Command, type ParsedArgs } from '../command';
import { applyEdit, serviceArg, ZK_OPTIONS } from '../policy-support';
import { withFault, type FaultPolicy } from '../../control-plane';

/** parseDurationMs reads 250ms, 2s, 5m, 1h. */
export function parseDurationMs(text: string, flagName: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new UsageError(`--${flagName}: expected a duration such as 250ms, 2s, 5m or 1h, got ${JSON.stringify(text)}`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']);
}

function percent(p: ParsedArgs, name: string): number {
  const v = Number(p.flags[name] ?? 100);
  if (!Number.isFinite(v) || v < 0 || v > 100) throw new UsageError(`--${name} must be a number from 0 to 100`);
  return v;
}

export const command: Command = {
  summary: 'inject delays and/or aborts into calls to a service, expiring after --for',
  usage: `usage: mediamesh fault <service> [--delay 200ms [--delay-percent 30]] [--abort 14 [--abort-percent 50]] [--for 10m]
       mediamesh fault <service> --clear
--abort takes a gRPC status code (14 = UNAVAILABLE). Percentages default to 100.
--for sets the expiry (default 10m): the control plane removes the fault by itself then.
options: --zk host:port (default MEDIAMESH_ZK), --base-path /mediamesh`,
  options: {
    ...ZK_OPTIONS,
    delay: { type: 'string' },
    'delay-percent': { type: 'string' },
    abort: { type: 'string' },
    'abort-percent': { type: 'string' },
    for: { type: 'string' },
    clear: { type: 'boolean' },
  },
  positionals: 1,
  async run(p) {
    const service = serviceArg(p);
    if (p.flags.clear) return applyEdit(p, service, (policy) => withFault(policy, undefined));
    if (p.flags.delay === undefined && p.flags.abort === undefined) throw new UsageError('pass --delay and/or --abort (or --clear)');
    const fault: { delay?: FaultPolicy['delay']; abort?: FaultPolicy['abort']; expiresAt?: string } = {};
    if (typeof p.flags.delay === 'string') fault.delay = { ms: parseDurationMs(p.flags.delay, 'delay'), percent: percent(p, 'delay-percent') };
    if (typeof p.flags.abort === 'string') {
      const code = Number(p.flags.abort);
      if (!Number.isInteger(code) || code < 1 || code > 16) throw new UsageError('--abort takes a gRPC status code from 1 to 16 (e.g. 14 = UNAVAILABLE)');
      fault.abort = { grpcStatus: code, percent: percent(p, 'abort-percent') };
    }
    fault.expiresAt = new Date(Date.now() + parseDurationMs(typeof p.flags.for === 'string' ? p.flags.for : '10m', 'for')).toISOString();
    return applyEdit(p, service, (policy) => withFault(policy, fault));
  },
};
