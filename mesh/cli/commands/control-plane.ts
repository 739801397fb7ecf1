/** `mediamesh control-plane`: run the xDS control plane in the foreground. */
import { controlPlaneSpecs } from '../../control-plane';
import { runControlPlaneMain } from '../../control-plane/main';
import type { Command } from '../command';

const vars = Object.values(controlPlaneSpecs)
  .map((s) => `  ${s.name.padEnd(28)} ${s.doc} (default ${JSON.stringify(s.fallback)})`)
  .join('\n');

export const command: Command = {
  summary: 'run the xDS control plane (ADS server + /status) in the foreground',
  usage: `usage: mediamesh control-plane
Serves ADS (state of the world) to proxyless gRPC clients and Envoy sidecars from the
ZooKeeper registry and traffic policy. Stop with Ctrl-C / SIGTERM. Configuration:
${vars}`,
  options: {},
  async run() {
    await runControlPlaneMain();
    return new Promise<number>(() => undefined); // runs until a signal ends the process
  },
};
