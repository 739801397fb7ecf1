/**
 * `mediamesh ls`: the services and instances registered in ZooKeeper (any Curator
 * x-discovery registry: Java services show up too), as a table or JSON.
 */
import type { Command } from '../command';
import { createRegistry, registryUnavailable, type RegistrySnapshot } from '../../registry';
import { zookeeperOf } from '../policy-support';
import type { Logger } from '../../../core/log';

const USAGE = `usage: mediamesh ls [--zk host:port[,host:port]] [--base /mediamesh] [--json] [--timeout-ms 5000]

Lists every service registered in ZooKeeper with its instances: address, version, zone,
health and age. Invalid znodes are skipped with a message on stderr.
  --zk          ZooKeeper connect string (default $MEDIAMESH_ZK, or the running local mesh's)
  --base        base path (default $MEDIAMESH_ZK_BASE_PATH, else /mediamesh)
  --json        print {"services": {"<name>": [instance, ...]}}
  --timeout-ms  how long to wait for ZooKeeper (default 5000)
`;

/** stderrLogger keeps stdout clean for the table / JSON: only problems are printed. */
const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (msg, fields) => process.stderr.write(`${msg}${fields?.path ? ` ${String(fields.path)}` : ''}${Array.isArray(fields?.errors) ? `: ${fields.errors.join('; ')}` : ''}\n`),
  child: () => stderrLogger,
};

/** formatAge renders milliseconds as 42s, 5m, 3h or 2d. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** renderTable lays the snapshot out in aligned columns. */
export function renderTable(snap: RegistrySnapshot, now = Date.now()): string {
  const rows = [['SERVICE', 'INSTANCE', 'ADDRESS', 'VERSION', 'ZONE', 'HEALTH', 'AGE']];
  for (const [service, instances] of snap) {
    if (instances.length === 0) rows.push([service, '-', '-', '-', '-', '-', '-']);
    for (const i of instances) {
      const age = i.registrationTimeUTC ? formatAge(now - i.registrationTimeUTC) : '?';
      rows.push([service, i.id, `${i.address}:${i.port}`, i.version || '-', i.zone || '-', i.health, age]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

export const command: Command = {
  summary: 'list registered services and instances (ZooKeeper)',
  usage: USAGE,
  options: { zk: { type: 'string' }, base: { type: 'string' }, json: { type: 'boolean' }, 'timeout-ms': { type: 'string' } },
  async run(p) {
    const { connectString, base: basePath } = zookeeperOf(p, 'base');
    const timeoutMs = Number(p.flags['timeout-ms'] ?? 5000);
    const registry = createRegistry({ connectString, basePath, log: stderrLogger });
    try {
      if (!(await registry.session.waitConnected(Number.isFinite(timeoutMs) ? timeoutMs : 5000)))
        throw registryUnavailable(`cannot reach ZooKeeper at ${connectString} within ${timeoutMs} ms`);
      const snap = await registry.list();
      if (p.flags.json) {
        const services = Object.fromEntries([...snap].map(([name, list]) => [name, list]));
        process.stdout.write(JSON.stringify({ zk: connectString, basePath, services }, null, 2) + '\n');
      } else if (snap.size === 0) {
        process.stdout.write(`no services registered under ${basePath} at ${connectString}\n`);
      } else {
        process.stdout.write(renderTable(snap) + '\n');
      }
      return 0;
    } finally {
      await registry.close();
    }
  },
};
