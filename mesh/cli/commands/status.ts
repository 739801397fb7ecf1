/** `mediamesh status`: every node connected to the control plane and what it holds. */
import { controlPlaneUnreachable } from '../../control-plane';
import { flag, type Command } from '../command';

interface NodeStatus {
  nodeId: string | null;
  stream: number;
  role: string | null;
  zone: string | null;
  types: Record<string, { status: string; version: string | null; latestVersion: string | null; error?: string }>;
}

async function getJson(base: string, path: string): Promise<{ code: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(`http://${base}${path}`, { signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    throw controlPlaneUnreachable(base, err);
  }
  return { code: res.status, body: await res.json() };
}

/** renderStatus prints one line per node and type. */
export function renderStatus(doc: { waitingFor?: string[]; nodes: NodeStatus[]; problems: Record<string, string[]>; policyErrors: Record<string, string[]> }): string {
  const lines: string[] = [];
  if (doc.waitingFor?.length) lines.push(`not serving yet: waiting for ZooKeeper (${doc.waitingFor.join(', ')} not read); connected nodes keep their config`);
  if (!doc.nodes.length) lines.push('no nodes connected');
  for (const n of doc.nodes) {
    lines.push(`${n.nodeId} (stream ${n.stream}, ${n.role}, zone ${n.zone || '-'})`);
    for (const t of ['CDS', 'EDS', 'LDS', 'RDS']) {
      const s = n.types[t];
      if (!s) continue;
      const behind = s.latestVersion && s.version !== s.latestVersion ? ` (latest ${s.latestVersion})` : '';
      lines.push(`  ${t}  ${s.status.padEnd(9)} ${s.version ?? '-'}${behind}${s.error ? `  error: ${s.error}` : ''}`);
    }
  }
  for (const [svc, errs] of Object.entries(doc.policyErrors)) lines.push(`policy of ${svc} REJECTED (last good one in force):\n    ${errs.join('\n    ')}`);
  for (const [group, errs] of Object.entries(doc.problems)) lines.push(`group ${group} NOT PUBLISHED: ${errs.join('; ')}`);
  return lines.join('\n') + '\n';
}

export const command: Command = {
  summary: 'show every node connected to the control plane: versions, ACKED / NACKED / STALE',
  usage: `usage: mediamesh status [--cp host:port] [--json]
       mediamesh status --node <node-id> [--cp host:port]     config dump of one node
--cp is the control plane's status endpoint (default MEDIAMESH_CP_STATUS or 127.0.0.1:18001).
STALE means a response was sent and the node has not answered it yet.`,
  options: { cp: { type: 'string' }, json: { type: 'boolean' }, node: { type: 'string' } },
  async run(p) {
    const cp = flag(p, 'cp', process.env.MEDIAMESH_CP_STATUS || '127.0.0.1:18001');
    if (typeof p.flags.node === 'string') {
      const { code, body } = await getJson(cp, `/config_dump?node=${encodeURIComponent(p.flags.node)}`);
      process.stdout.write(JSON.stringify(body, null, 2) + '\n');
      return code === 200 ? 0 : 1;
    }
    const { body } = await getJson(cp, '/status');
    process.stdout.write(p.flags.json ? JSON.stringify(body, null, 2) + '\n' : renderStatus(body as Parameters<typeof renderStatus>[0]));
    return 0;
  },
};
