/**
 * `mediamesh proxy-config <node>`: what one Envoy sidecar holds (clusters, endpoints with health,
 * listeners, routes: its admin /config_dump) and whether it matches what the control plane last
 * sent that node (the control plane's /config_dump?node=). The sidecar's admin address comes from
 * --admin, or from the running local mesh's ready.json (`npm start` lists every sidecar there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flag, UsageError, type Command } from '../command';
import { compareWithControlPlane, summarizeProxy, type ProxyConfig, type SyncCheck } from '../../envoy';
import { controlPlaneUnreachable } from '../../control-plane';

async function getJson(url: string, what: string): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    throw new Error(`cannot reach ${what} at ${url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as Record<string, unknown>;
}

/** adminOf finds a sidecar's admin URL in the local mesh's ready.json. */
function adminOf(node: string): string {
  const file = path.resolve(process.env.MEDIAMESH_HOME || '.mediamesh', 'ready.json');
  let sidecars: Record<string, { admin: string }> = {};
  try {
    sidecars = (JSON.parse(fs.readFileSync(file, 'utf8')) as { sidecars?: typeof sidecars }).sidecars ?? {};
  } catch {
    throw new UsageError(`no running local mesh (${file}): pass --admin host:port of the sidecar's admin`);
  }
  const hit = sidecars[node] ?? sidecars[`${node}-envoy`];
  if (!hit) throw new UsageError(`no sidecar ${node} in ${file}; known: ${Object.keys(sidecars).join(', ') || 'none (the mesh runs proxyless)'}`);
  return hit.admin;
}

/** renderProxyConfig prints the summary and the comparison. */
export function renderProxyConfig(node: string, admin: string, proxy: ProxyConfig, checks: SyncCheck[]): string {
  const out = [`${node}  (admin ${admin})`, '', 'CLUSTERS'];
  for (const c of proxy.clusters) {
    out.push(`  ${c.name}  ${c.type} ${c.lbPolicy}`);
    for (const e of c.endpoints) out.push(`    ${e.address.padEnd(22)} ${e.health.padEnd(10)} zone ${e.zone || '-'}  priority ${e.priority}  weight ${e.weight}`);
    if (c.type === 'EDS' && c.endpoints.length === 0) out.push('    (no endpoints)');
  }
  out.push('', 'LISTENERS');
  for (const l of proxy.listeners) out.push(`  ${l.name.padEnd(10)} ${l.address.padEnd(22)} routes ${l.routeConfig ?? '-'}${l.error ? `  REJECTED: ${l.error}` : ''}`);
  out.push('', 'ROUTES');
  for (const r of proxy.routes) out.push(`  ${r.config}/${r.virtualHost}  [${r.domains.join(' ')}]  ${r.match} → ${r.to}`);
  out.push('', 'AGAINST THE CONTROL PLANE');
  for (const c of checks) out.push(`  ${c.type}  ${c.inSync ? 'in sync' : 'DIFFERS'}  ${c.detail}`);
  return out.join('\n') + '\n';
}

export const command: Command = {
  summary: 'show what an Envoy sidecar holds (clusters, endpoints, listeners, routes) and whether it matches the control plane',
  usage: `usage: mediamesh proxy-config <node-id> [--admin host:port] [--cp host:port] [--json]
<node-id> is the sidecar's xDS node id (mediamesh status lists them, e.g. image-1-envoy).
--admin is the sidecar's admin address (default: from $MEDIAMESH_HOME/ready.json of the running mesh).
--cp is the control plane's status endpoint (default MEDIAMESH_CP_STATUS or 127.0.0.1:18001).
Exit 1 when the sidecar does not hold what the control plane last sent it.`,
  options: { admin: { type: 'string' }, cp: { type: 'string' }, json: { type: 'boolean' } },
  positionals: 1,
  async run(p) {
    const node = p.positional[0];
    if (!node) throw new UsageError('name one sidecar node id');
    const admin = typeof p.flags.admin === 'string' ? `http://${p.flags.admin.replace(/^https?:\/\//, '')}` : adminOf(node);
    const cp = flag(p, 'cp', process.env.MEDIAMESH_CP_STATUS || '127.0.0.1:18001');
    const [dump, clusters] = await Promise.all([getJson(`${admin}/config_dump?include_eds`, 'the sidecar admin'), getJson(`${admin}/clusters?format=json`, 'the sidecar admin')]);
    const nodeId = ((dump.configs as Array<Record<string, any>> | undefined)?.[0]?.bootstrap?.node?.id as string | undefined) ?? node; // eslint-disable-line @typescript-eslint/no-explicit-any
    let cpDump: Record<string, unknown>;
    try {
      const res = await fetch(`http://${cp}/config_dump?node=${encodeURIComponent(nodeId)}`, { signal: AbortSignal.timeout(5_000) });
      cpDump = res.ok ? ((await res.json()) as Record<string, unknown>) : {};
    } catch (err) {
      throw controlPlaneUnreachable(cp, err);
    }
    const proxy = summarizeProxy(dump, clusters);
    const checks = compareWithControlPlane(proxy, cpDump);
    process.stdout.write(p.flags.json ? JSON.stringify({ node: nodeId, admin, ...proxy, controlPlane: checks }, null, 2) + '\n' : renderProxyConfig(nodeId, admin, proxy, checks));
    return checks.every((c) => c.inSync) ? 0 : 1;
  },
};
