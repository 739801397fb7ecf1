/**
 * untilPolicyPushed: run a policy edit and wait until every xDS client connected to the control
 * plane has acknowledged the configuration it produced, read from the control plane's /status.
 *
 * A phase that changes policy (the Latency Monkey's delay fault) is only in effect, or only over,
 * once the clients have it: without this wait the fault removed at the end of the Latency Monkey
 * still delayed image calls in the zone outage's first second (200 ms, a third of them), and the
 * window judged the two phases mixed.
 */

interface TypeStatus {
  status: string;
  ackedVersion: string | null;
  latestVersion: string | null;
  subscribed: string[] | '*';
}

interface NodeStatus {
  nodeId: string | null;
  stream: number;
  types: Record<string, TypeStatus | undefined>;
}

async function nodes(statusUrl: string): Promise<NodeStatus[]> {
  const res = await fetch(statusUrl);
  if (!res.ok) throw new Error(`${statusUrl}: HTTP ${res.status}`);
  return ((await res.json()) as { nodes: NodeStatus[] }).nodes;
}

/** callerOf: a node that dials the service (subscribes to its listener, or to every listener as Envoy does). */
const callerOf = (service: string) => (n: NodeStatus) => {
  const lds = n.types.LDS?.subscribed;
  return lds === '*' || (lds ?? []).includes(service);
};

const acked = (t: TypeStatus | undefined) => t !== undefined && t.status === 'ACKED' && t.ackedVersion === t.latestVersion;

/**
 * untilPolicyPushed runs `edit` (a change of `service`'s policy that changes its routes), then
 * resolves once every node that dials the service, connected before the edit, has new routes and
 * has ACKed them and its listeners. Streams that close meanwhile (a killed instance) are not
 * waited for. The control plane sends a node only what it subscribes to, hence the filter.
 */
export async function untilPolicyPushed(statusPort: number | undefined, service: string, edit: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  if (!statusPort) throw new Error('the control plane did not say which port its /status is on');
  const statusUrl = `http://127.0.0.1:${statusPort}/status`;
  const before = new Map((await nodes(statusUrl)).filter(callerOf(service)).map((n) => [n.stream, n.types.RDS?.latestVersion]));
  await edit();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const waiting = (await nodes(statusUrl)).filter(
      (n) => before.has(n.stream) && (n.types.RDS?.latestVersion === before.get(n.stream) || !acked(n.types.LDS) || !acked(n.types.RDS)),
    );
    if (waiting.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${service} policy not pushed within ${timeoutMs} ms to: ${waiting.map((n) => n.nodeId).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
