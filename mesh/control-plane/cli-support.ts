/**
 * What the mesh CLI commands share: connecting to ZooKeeper from --zk / MEDIAMESH_ZK with
 * an error that says what to do, and running a policy edit with it.
 */
import { UsageError, type ParsedArgs } from '../cli/command';
import { setLogLevel } from '../../core/log';
import { createZkSession, type ZkSession } from '../registry';
import { editPolicy } from './policy/policy-edit';
import type { ServicePolicy } from './policy/types';

/** serviceArg reads the <service> positional. */
export function serviceArg(p: ParsedArgs): string {
  const service = p.positional[0];
  if (!service) throw new UsageError('name the service, e.g. image');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(service)) throw new UsageError(`"${service}" is not a service name (letters, digits, ".", "_", "-")`);
  return service;
}

/** withZk opens a session to --zk (or MEDIAMESH_ZK), runs fn, and closes it. */
export async function withZk<T>(p: ParsedArgs, fn: (session: ZkSession, base: string) => Promise<T>): Promise<T> {
  const connectString = (typeof p.flags.zk === 'string' && p.flags.zk) || process.env.MEDIAMESH_ZK;
  if (!connectString) throw new UsageError('where is ZooKeeper? pass --zk host:port or set MEDIAMESH_ZK');
  const base = (typeof p.flags['base-path'] === 'string' && p.flags['base-path']) || process.env.MEDIAMESH_ZK_BASE_PATH || '/mediamesh';
  setLogLevel('error'); // the session's JSON logs would bury the command's output
  const session = createZkSession({ connectString });
  try {
    if (!(await session.waitConnected(5_000))) throw new Error(`cannot reach ZooKeeper at ${connectString} within 5 s; is it running? (--zk host:port or MEDIAMESH_ZK)`);
    return await fn(session, base);
  } finally {
    await session.close();
  }
}

/** applyEdit runs a policy edit and prints the stored result. */
export async function applyEdit(p: ParsedArgs, service: string, edit: (policy: ServicePolicy) => ServicePolicy): Promise<number> {
  const stored = await withZk(p, (session, base) => editPolicy(session, base, service, edit));
  process.stdout.write(`policy of ${service} stored; the control plane pushes it within a moment:\n${JSON.stringify(stored, null, 2)}\n`);
  return 0;
}
