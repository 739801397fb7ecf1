/** The control plane's environment variables (one home; printed at start). */
import { int, str, type EnvSpec } from '../../core/config';
import { zookeeperSpecs } from '../../core/zookeeper-config';

export const controlPlaneSpecs = {
  // Required here: main.ts refuses to start without MEDIAMESH_ZK.
  ...zookeeperSpecs,
  host: { name: 'MEDIAMESH_CP_HOST', doc: 'address the ADS server binds', fallback: '0.0.0.0', parse: str(/^[0-9a-fA-F.:]+$/, 'an IP literal') },
  xdsPort: { name: 'MEDIAMESH_XDS_PORT', doc: 'ADS (xDS) gRPC port (0 = a free port)', fallback: 18000, parse: int(0, 65535) },
  statusHost: { name: 'MEDIAMESH_CP_STATUS_HOST', doc: 'address the status endpoint binds', fallback: '127.0.0.1', parse: str(/^[0-9a-fA-F.:]+$/, 'an IP literal') },
  statusPort: { name: 'MEDIAMESH_CP_STATUS_PORT', doc: 'HTTP status port: /status, /config_dump (0 = a free port)', fallback: 18001, parse: int(0, 65535) },
  policyFile: { name: 'MEDIAMESH_POLICY_FILE', doc: 'YAML policy seed file (written for services without a policy)', fallback: '', parse: String },
  debounceMs: { name: 'MEDIAMESH_XDS_DEBOUNCE_MS', doc: 'quiet time that merges changes into one push', fallback: 20, parse: int(0, 10_000) },
} satisfies Record<string, EnvSpec<unknown>>;
