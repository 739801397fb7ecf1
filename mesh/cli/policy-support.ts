/**
 * What the policy commands (canary, route, fault) share: the <service> argument, connecting to
 * ZooKeeper from --zk / MEDIAMESH_ZK with an error that says what to do, and running a policy
 * edit with it. (It lives with the CLI: the control plane never imports the CLI.)
 */
import { UsageError, type OptionSpecs, type ParsedArgs } from './command';
import { setLogLevel } from '../../core/log';
import { createZkSession, type ZkSession } from '../registry';
import { editPolicy, type ServicePolicy } from '../control-plane';
import { zookeeperFromEnv } from '../../core/zookeeper-config';

/** ZK_OPTIONS are the flags every policy command takes to find ZooKeeper. */
export const ZK_OPTIONS = { zk: { type: 'string' }, 'base-path': { type: 'string' } } as const satisfies OptionSpecs;

/** serviceArg reads the <service> positional. */
export function serviceArg(p: ParsedArgs): string {
  const service = p.positional[0];
  if (!service) throw new UsageError('name the service, e.g. image');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(service)) throw new UsageError(`"${service}" is not a service name (letters, digits, ".", "_", "-")`);
  return service;
}

/**
 * zookeeperOf: where ZooKeeper is for a command, from its flags, else MEDIAMESH_ZK /
 * MEDIAMESH_ZK_BASE_PATH as every process reads them (core/zookeeper-config.ts). Nobody guesses
 * an address: without one the command says how to give it.
 */
export function zookeeperOf(p: ParsedArgs, baseFlag = 'base-path'): { connectString: string; base: string } {
  let env;
  try {
    env = zookeeperFromEnv();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const connectString = (typeof p.flags.zk === 'string' && p.flags.zk) || env.zk;
  if (!connectString) throw new UsageError('where is ZooKeeper? pass --zk host:port or set MEDIAMESH_ZK');
  const base = (typeof p.flags[baseFlag] === 'string' && (p.flags[baseFlag] as string)) || env.zkBasePath;
  return { connectString, base };
}

/** withZk opens a session to --zk (or MEDIAMESH_ZK), runs fn, and closes it. */
export async function withZk<T>(p: ParsedArgs, fn: (session: ZkSession, base: string) => Promise<T>): Promise<T> {
  const { connectString, base } = zookeeperOf(p);
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
