/**
 * `mediamesh envoy-bootstrap`: print an Envoy v3 sidecar bootstrap (YAML), checked against
 * Envoy's API protos before it is printed; or `--check <file>` to check an existing one.
 */
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import { flag, UsageError, type Command } from '../command';
import { checkEnvoyObject, checkEnvoyYaml, createEnvoyBootstrap, renderYaml, BOOTSTRAP_TYPE } from '../../envoy';

export const command: Command = {
  summary: 'print an Envoy sidecar bootstrap (YAML) for a service, or --check one',
  usage: `usage: mediamesh envoy-bootstrap --service <name> [--xds host:port] [--otlp host:port] [--app-port N]
                                  [--node-id ID] [--zone Z] [--admin-port N]
                                  [--outbound-port N] [--inbound-port N] [--inbound-address IP]
       mediamesh envoy-bootstrap --check <file.yaml>

Prints the Envoy v3 bootstrap of a sidecar for <service>: ADS to the control plane
(--xds, default MEDIAMESH_XDS_SERVER or 127.0.0.1:18000), admin on 127.0.0.1:9901,
OpenTelemetry tracing to --otlp (an OTLP/gRPC collector such as Jaeger's :4317), and
--app-port for the inbound listener (0.0.0.0:15006 → 127.0.0.1:<app-port>).
Listener ports (outbound 127.0.0.1:15001, inbound 0.0.0.0:15006 by default) go into the node's
metadata, from which the control plane renders this sidecar's listeners: set them when several
sidecars share a host (the app then registers --inbound-port as MEDIAMESH_ADVERTISE_PORT).
Every field is checked against Envoy's API protos first.
--check validates a bootstrap file field by field and prints every problem with its path.`,
  options: {
    check: { type: 'string' },
    service: { type: 'string' },
    xds: { type: 'string' },
    otlp: { type: 'string' },
    'app-port': { type: 'string' },
    'node-id': { type: 'string' },
    zone: { type: 'string' },
    'admin-port': { type: 'string' },
    'outbound-port': { type: 'string' },
    'inbound-port': { type: 'string' },
    'inbound-address': { type: 'string' },
  },
  async run(p) {
    if (typeof p.flags.check === 'string') {
      const result = checkEnvoyYaml(fs.readFileSync(p.flags.check, 'utf8'));
      if (result.ok) {
        process.stdout.write(`${p.flags.check}: valid ${BOOTSTRAP_TYPE}\n`);
        return 0;
      }
      process.stderr.write(`${p.flags.check}: ${result.errors.length} problem(s):\n  ${result.errors.join('\n  ')}\n`);
      return 1;
    }
    const portFlag = (name: string): number | undefined => {
      if (p.flags[name] === undefined) return undefined;
      const port = Number(p.flags[name]);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--${name} must be a port number (1-65535)`);
      return port;
    };
    const appPort = portFlag('app-port');
    const adminPort = portFlag('admin-port');
    const outboundPort = portFlag('outbound-port');
    const inboundPort = portFlag('inbound-port');
    const inboundAddress = typeof p.flags['inbound-address'] === 'string' ? p.flags['inbound-address'] : undefined;
    if (inboundAddress !== undefined && !isIP(inboundAddress)) throw new UsageError('--inbound-address must be an IP literal such as 0.0.0.0 or 127.0.0.1');
    const service = flag(p, 'service');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(service)) throw new UsageError('--service must be a mesh service name such as image');
    let bootstrap;
    try {
      bootstrap = createEnvoyBootstrap({
        service,
        xds: flag(p, 'xds', process.env.MEDIAMESH_XDS_SERVER || '127.0.0.1:18000'),
        otlp: typeof p.flags.otlp === 'string' ? p.flags.otlp : undefined,
        appPort,
        adminPort,
        outboundPort,
        inboundPort,
        inboundAddress,
        nodeId: typeof p.flags['node-id'] === 'string' ? p.flags['node-id'] : undefined,
        zone: typeof p.flags.zone === 'string' ? p.flags.zone : undefined,
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const checked = checkEnvoyObject(BOOTSTRAP_TYPE, bootstrap);
    if (!checked.ok) throw new Error(`generated bootstrap fails Envoy's schema (a bug):\n  ${checked.errors.join('\n  ')}`);
    process.stdout.write(renderYaml(bootstrap));
    return 0;
  },
};
