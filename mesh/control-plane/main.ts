/**
 * The control-plane process: `node dist/mesh/control-plane/main.js`. Reads MEDIAMESH_ZK,
 * MEDIAMESH_XDS_PORT, MEDIAMESH_CP_STATUS_PORT, MEDIAMESH_POLICY_FILE (see config.ts), logs
 * {"event":"serving","port":<xds>,"statusPort":N} once both listen; SIGTERM/SIGINT (or the launcher that
 * started it gone) stop it gracefully with exit 0. A bad variable or policy file exits 2 with a message naming it.
 */
import { activeTelemetry, shutdownTelemetry } from '../../observability/start';
import { xdsPushSpans } from './push-spans';
import { ConfigError, describeConfig, loadConfig } from '../../core/config';
import { MeshError } from '../../core/errors';
import { watchLauncher } from '../../core/launcher-watch';
import { shutdownOnSignals } from '../../core/shutdown-signals';
import { createLogger } from '../../core/log';
import { controlPlaneSpecs } from './config';
import { startControlPlaneServer } from './server';

/** runControlPlaneMain runs the process until SIGTERM/SIGINT (then exits 0). */
export async function runControlPlaneMain(): Promise<void> {
  const log = createLogger({ service: 'control-plane' });
  const ready = shutdownOnSignals();
  watchLauncher(log);
  let cfg;
  try {
    cfg = loadConfig(controlPlaneSpecs);
    if (!cfg.zk) throw new ConfigError('MEDIAMESH_ZK', 'required: the ZooKeeper connect string (host:port)');
  } catch (err) {
    process.stderr.write(`control-plane: ${(err as Error).message}\n`);
    process.exit(2);
  }
  log.info('configuration', describeConfig(controlPlaneSpecs, cfg));
  let running;
  try {
    // With tracing on, every push is a span ended by the node's ACK or NACK.
    running = await startControlPlaneServer(cfg, { log, hooks: activeTelemetry()?.config.tracing ? xdsPushSpans() : undefined });
  } catch (err) {
    const msg = err instanceof MeshError ? err.publicMessage : (err as Error).message;
    process.stderr.write(`control-plane: ${msg}\n`);
    process.exit(2);
  }
  log.info('serving', { event: 'serving', port: running.xdsPort, statusPort: running.statusPort });
  const server = running;
  ready(async () => {
    log.info('stopping', { event: 'stopping' });
    try {
      await server.stop();
      // The last pushes' spans leave before the process does.
      await shutdownTelemetry();
    } catch (err) {
      log.error('stop failed', { error: String(err) });
      throw err;
    }
    log.info('stopped', { event: 'stopped' });
  });
}

if (require.main === module) void runControlPlaneMain();
