/**
 * Idempotency keys of SubmitJob (SubmitJobRequest.idempotency_key), the way job APIs make a
 * submission safe to repeat (AWS MediaConvert's ClientRequestToken, Stripe's Idempotency-Key):
 * the mesh retries a SubmitJob whose instance died after it recorded the job but before its
 * response headers, and a caller retries one whose answer it lost. With a key, every repeat
 * answers the first job's id and starts nothing.
 *
 * A key's node, <base>/job-keys/<SHA-256 of the key>, is written in the same ZooKeeper multi-op
 * as the job and its Submitted event (job-store.ts create): there is never a key without its job
 * nor a keyed job without its key, and of two instances racing with one key exactly one multi-op
 * succeeds; the other fails with NODE_EXISTS, reads the winner's node and answers its job. The
 * name is a hash so that any string can be a key (a znode name cannot hold "/"). The node holds
 * {key, job, request, at}: `request` is the SHA-256 of the request's JobSpec (its protobuf
 * encoding), so a key sent again with another spec is refused (ALREADY_EXISTS) instead of
 * silently answering a job that does something else.
 *
 * Lifetime: a key names its job for `ttlMs` after the submission (MEDIAMESH_VIDEO_JOB_KEY_TTL_MS,
 * default 24 h as Stripe's). A retry comes within seconds, a caller's own retry within minutes;
 * after that the key counts as unused: the next submission with it makes a new job, replacing the
 * lapsed node in that job's multi-op (fenced on the node's version), and pruneJobKeys removes
 * lapsed nodes. The jobs themselves stay (jobs are kept in ZooKeeper until removed by hand).
 */
import { createHash } from 'node:crypto';
import { JobSpec } from '../../../generated/mediamesh/video/v1/video';
import { isZkError } from '../../../mesh/registry';
import { badIdempotencyKey, idempotencyKeyReused, jobKeyContended } from '../errors';
import type { JobEventBody } from './job-events';
import type { JobStore } from './job-store';

/** MAX_KEY_LENGTH: as Stripe's Idempotency-Key (255 characters). */
export const MAX_KEY_LENGTH = 255;

/** KeyRecord is the data of a key's node. */
export interface KeyRecord {
  readonly key: string;
  /** The job the key names. */
  readonly job: string;
  /** SHA-256 (hex) of the submitted JobSpec's encoding. */
  readonly request: string;
  /** When the key was first used (ms since the epoch). */
  readonly at: number;
}

/** KeyedSubmission is a SubmitJob that carries a key. */
export interface KeyedSubmission {
  readonly key: string;
  /** requestFingerprint of its spec. */
  readonly request: string;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** keyNodeName is the znode name of a key. */
export const keyNodeName = (key: string): string => sha256(key);

/** requestFingerprint identifies a request's spec (proto3 encoding: a repeated request encodes the same). */
export const requestFingerprint = (spec: JobSpec | undefined): string => sha256(JobSpec.encode(spec ?? JobSpec.fromPartial({})).finish());

/** checkIdempotencyKey throws INVALID_ARGUMENT for a key that is too long; '' (no key) passes. */
export function checkIdempotencyKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH) throw badIdempotencyKey(`at most ${MAX_KEY_LENGTH} characters, got ${key.length}`);
}

/** parseKeyRecord reads a key node's data; undefined when it is not a KeyRecord. */
export function parseKeyRecord(data: Buffer): KeyRecord | undefined {
  try {
    const r = JSON.parse(data.toString()) as Partial<KeyRecord>;
    if (typeof r.key === 'string' && typeof r.job === 'string' && typeof r.request === 'string' && typeof r.at === 'number') return r as KeyRecord;
  } catch {
    // not JSON: treated as a lapsed key below
  }
  return undefined;
}

/** live tells a key still naming its job at `now`. */
const live = (r: KeyRecord | undefined, ttlMs: number, now: number): r is KeyRecord => r !== undefined && now - r.at < ttlMs;

/** ATTEMPTS: each further attempt follows another writer's change of this very key's node. */
const ATTEMPTS = 5;

/**
 * createJobOnce creates job `id` unless the key already names a job: then it answers that job
 * (created false), or throws ALREADY_EXISTS when that job was submitted with another spec.
 */
export async function createJobOnce(
  store: JobStore,
  id: string,
  first: JobEventBody,
  sub: KeyedSubmission,
  ttlMs: number,
  now = Date.now(),
): Promise<{ id: string; created: boolean }> {
  const name = keyNodeName(sub.key);
  const data = Buffer.from(JSON.stringify({ key: sub.key, job: id, request: sub.request, at: now } satisfies KeyRecord));
  let replaces: number | undefined;
  for (let i = 0; i < ATTEMPTS; i++) {
    try {
      await store.create(id, first, { name, data, replaces });
      return { id, created: true };
    } catch (err) {
      // NODE_EXISTS: the key is taken; BAD_VERSION / NO_NODE: the lapsed node we meant to replace changed meanwhile.
      if (!isZkError(err, 'NODE_EXISTS') && !isZkError(err, 'BAD_VERSION') && !isZkError(err, 'NO_NODE')) throw err;
    }
    const held = await store.key(name);
    if (!held) {
      replaces = undefined;
      continue;
    }
    const record = parseKeyRecord(held.data);
    if (live(record, ttlMs, now)) {
      if (record.request !== sub.request) throw idempotencyKeyReused(sub.key, record.job);
      return { id: record.job, created: false };
    }
    replaces = held.version;
  }
  throw jobKeyContended(sub.key);
}

/** pruneJobKeys removes the nodes of lapsed keys (a node renewed meanwhile stays); resolves with how many went. */
export async function pruneJobKeys(store: JobStore, ttlMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await store.keyNames()) {
    const held = await store.key(name);
    if (!held || live(parseKeyRecord(held.data), ttlMs, now)) continue;
    try {
      await store.removeKey(name, held.version);
      removed++;
    } catch (err) {
      if (!isZkError(err, 'BAD_VERSION')) throw err;
    }
  }
  return removed;
}
