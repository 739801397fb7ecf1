/**
 * applyLocalDefaults: when a local mesh started by `npm start` is running, its
 * $MEDIAMESH_HOME/ready.json says where everything is; CLI commands then need no --zk,
 * --xds or --cp flags. Variables already set (and flags) win.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function applyLocalDefaults(env: Record<string, string | undefined> = process.env): void {
  const file = path.resolve(env.MEDIAMESH_HOME || '.mediamesh', 'ready.json');
  let ready: Record<string, unknown>;
  try {
    ready = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return; // no local mesh running
  }
  const set = (name: string, value: unknown) => {
    if (!env[name] && typeof value === 'string' && value) env[name] = value;
  };
  set('MEDIAMESH_ZK', ready.zookeeper);
  set('MEDIAMESH_XDS_SERVER', ready.controlPlane);
  set('MEDIAMESH_CP_STATUS', ready.controlPlaneStatus);
}
