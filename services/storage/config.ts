/** Storage service configuration (prefix MEDIAMESH_STORAGE_). */
import * as path from 'node:path';
import { bytes, str, type ConfigOf, type EnvSpec } from '../runtime';

/** storageSpecs lists the storage service's own variables. */
export const storageSpecs = {
  dir: {
    name: 'MEDIAMESH_STORAGE_DIR',
    doc: 'folder holding the buckets (default $MEDIAMESH_HOME/storage)',
    fallback: '',
    parse: str(/^[^\u0000]+$/, 'a folder path'),
  },
  maxObjectBytes: { name: 'MEDIAMESH_STORAGE_MAX_OBJECT_BYTES', doc: 'largest object accepted (RESOURCE_EXHAUSTED above)', fallback: 1024 ** 3, parse: bytes },
} satisfies Record<string, EnvSpec<unknown>>;

export type StorageConfig = ConfigOf<typeof storageSpecs>;

/** storageRoot is MEDIAMESH_STORAGE_DIR, or <MEDIAMESH_HOME>/storage when unset. */
export function storageRoot(config: StorageConfig, home: string): string {
  return path.resolve(config.dir || path.join(home, 'storage'));
}
