/**
 * The real Envoy validates every bootstrap the project ships or generates (`envoy --mode validate`):
 * deploy/envoy/*.yaml (docker compose), every key of the Kubernetes ConfigMap, and what
 * `mediamesh envoy-bootstrap` prints for each service, the launcher's sidecars included. The
 * field-by-field proto checker (mesh/envoy) stays the fast check that names the bad field; this one
 * asks the binary that will run the file, so a field our protos know but Envoy 1.40 refuses fails too.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { distEntry, repoRoot } from '../../core/paths';
import { validateBootstrap } from '../../launcher/envoy';
import { createEnvoyBootstrap, renderYaml } from '../../mesh/envoy';
import { tempDirForTest } from '../harness/temp-dir';

const SERVICES = ['storage', 'image', 'video', 'gateway'];

function cliBootstrap(args: string[]): string {
  return execFileSync(process.execPath, [distEntry('mesh/cli/main.ts'), 'envoy-bootstrap', ...args], { encoding: 'utf8' });
}

function validateText(name: string, text: string): string | undefined {
  const file = path.join(tempDirForTest('mm-envoy-validate-'), name);
  fs.writeFileSync(file, text);
  return validateBootstrap(file);
}

describe('envoy --mode validate', () => {
  it('accepts every committed compose bootstrap (deploy/envoy/*.yaml)', () => {
    const dir = path.join(repoRoot(), 'deploy/envoy');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(SERVICES.map((s) => `${s}.yaml`).sort());
    for (const f of files) expect(validateBootstrap(path.join(dir, f)), f).toBeUndefined();
  });

  it('accepts every bootstrap of the Kubernetes ConfigMap', () => {
    const docs = parseAllDocuments(fs.readFileSync(path.join(repoRoot(), 'deploy/k8s/envoy-bootstrap.yaml'), 'utf8')).map((d) => d.toJS());
    const data = docs.find((d) => d?.kind === 'ConfigMap').data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(SERVICES.map((s) => `${s}.yaml`).sort());
    for (const [key, text] of Object.entries(data)) expect(validateText(key, text), key).toBeUndefined();
  });

  it('accepts what `mediamesh envoy-bootstrap` prints for each service, with every option', () => {
    for (const service of SERVICES) {
      const plain = cliBootstrap(['--service', service]);
      expect(validateText(`${service}-plain.yaml`, plain), service).toBeUndefined();
      const full = cliBootstrap(['--service', service, '--xds', 'cp.mesh:18000', '--otlp', '127.0.0.1:4317', '--app-port', '50051', '--zone', 'zone-b', '--node-id', `${service}-7`, '--admin-port', '19000',
        '--outbound-port', '25001', '--inbound-port', '25006', '--inbound-address', '127.0.0.1']);
      expect(validateText(`${service}-full.yaml`, full), service).toBeUndefined();
    }
  });

  it('accepts the launcher’s sidecar bootstraps (ports of their own in node metadata)', () => {
    const b = createEnvoyBootstrap({ service: 'image', nodeId: 'image-1-envoy', xds: '127.0.0.1:18000', otlp: '127.0.0.1:4317', appPort: 40001, adminPort: 40002, outboundPort: 40003, inboundAddress: '127.0.0.1', inboundPort: 40004, zone: 'zone-a' });
    expect(validateText('launcher.yaml', renderYaml(b))).toBeUndefined();
  });

  it('reports Envoy’s own reason for a bootstrap it refuses', () => {
    const bad = cliBootstrap(['--service', 'image']).replace('connect_timeout', 'conect_timeout');
    // Protobuf's JSON parser varies the spaces in its messages on purpose (so nothing matches them exactly).
    expect(validateText('bad.yaml', bad)).toMatch(/no\s+such\s+field:\s+'conect_timeout'/);
  });
});
