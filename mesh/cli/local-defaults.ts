/**
 * applyLocalDefaults: when a local mesh started by `npm start` is running, its
 * $MEDIAMESH_HOME/ready.json says where everything is; CLI commands then need no --zk,
 * --xds or --cp flags. Variables already set (and flags) win.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** readLocalMesh returns the running local mesh's ready.json (gateway, zookeeper, jaeger, …), or undefined. */
export function readLocalMesh(env: Record<string, string | undefined> = process.env): Record<string, unknown> | undefined {
  const file = path.resolve(env.MEDIAMESH_HOME || '.mediamesh', 'ready.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined; // no local mesh running
  }
}

export function applyLocalDefaults(env: Record<string, string | undefined> = process.env): void {
  const ready = readLocalMesh(env);
  if (!ready) return;
  const set = (name: string, value: unknown) => {
    if (!env[name] && typeof value === 'string' && value) env[name] = value;
  };
  set('MEDIAMESH_ZK', ready.zookeeper);
  set('MEDIAMESH_XDS_SERVER', ready.controlPlane);
  set('MEDIAMESH_CP_STATUS', ready.controlPlaneStatus);
}
