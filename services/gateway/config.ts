/**
 * Gateway configuration (one home for every variable the gateway reads). Values are
 * parsed and validated at start by the runtime's loadConfig: a bad value stops the
 * process with exit code 2 naming the variable.
 */
import { bool, bytes, int, str, type ConfigOf, type EnvSpec } from '../runtime';
import { parseSigningKeys, type SigningKey } from './signing';

const signingKeys = (raw: string): SigningKey[] => {
  const r = parseSigningKeys(raw);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
};

/** gatewaySpecs lists the gateway's variables with their defaults. */
export const gatewaySpecs = {
  port: { name: 'MEDIAMESH_GATEWAY_PORT', doc: 'HTTP port (0 = a free port)', fallback: 8080, parse: int(0, 65535) },
  host: { name: 'MEDIAMESH_GATEWAY_HOST', doc: 'address the HTTP server binds', fallback: '127.0.0.1', parse: str(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address') },
  adminToken: { name: 'MEDIAMESH_ADMIN_TOKEN', doc: 'bearer token for uploads, deletes, buckets and jobs (empty = those are refused)', fallback: '', parse: String, secret: true },
  signingKeys: {
    name: 'MEDIAMESH_SIGNING_KEYS',
    doc: 'access keys for signed URLs of private buckets, "ak1:sk1,ak2:sk2" (several for rotation)',
    fallback: [] as SigningKey[],
    parse: signingKeys,
    secret: true,
  },
  maxUploadBytes: { name: 'MEDIAMESH_MAX_UPLOAD_BYTES', doc: 'largest upload accepted (413 above)', fallback: 1024 ** 3, parse: bytes },
  maxConcurrent: { name: 'MEDIAMESH_GATEWAY_MAX_CONCURRENT', doc: 'requests processed at once', fallback: 64, parse: int(1, 100_000) },
  queueSize: { name: 'MEDIAMESH_GATEWAY_QUEUE_SIZE', doc: 'requests waiting for a slot before 429', fallback: 256, parse: int(0, 1_000_000) },
  queueTimeoutMs: { name: 'MEDIAMESH_GATEWAY_QUEUE_TIMEOUT_MS', doc: 'longest wait for a slot before 429', fallback: 10_000, parse: int(1, 600_000) },
  upstreamTimeoutMs: { name: 'MEDIAMESH_GATEWAY_UPSTREAM_TIMEOUT_MS', doc: 'deadline of a processing call (504 after)', fallback: 30_000, parse: int(100, 3_600_000) },
  requestTimeoutMs: {
    name: 'MEDIAMESH_GATEWAY_REQUEST_TIMEOUT_MS',
    doc: 'longest time to receive a whole request, uploads included',
    fallback: 600_000,
    parse: int(1000, 86_400_000),
  },
  headersTimeoutMs: { name: 'MEDIAMESH_GATEWAY_HEADERS_TIMEOUT_MS', doc: 'longest time to receive request headers (slow clients)', fallback: 10_000, parse: int(100, 600_000) },
  idleTimeoutMs: { name: 'MEDIAMESH_GATEWAY_IDLE_TIMEOUT_MS', doc: 'socket inactivity timeout', fallback: 60_000, parse: int(100, 3_600_000) },
  maxUrlBytes: { name: 'MEDIAMESH_GATEWAY_MAX_URL_BYTES', doc: 'longest request URL (414 above)', fallback: 8192, parse: int(64, 65_536) },
  maxHeaderBytes: { name: 'MEDIAMESH_GATEWAY_MAX_HEADER_BYTES', doc: 'largest request header block (431 above)', fallback: 16_384, parse: int(1024, 1_048_576) },
  cacheMaxAge: { name: 'MEDIAMESH_GATEWAY_CACHE_MAX_AGE', doc: 'Cache-Control max-age of objects and results, seconds', fallback: 86_400, parse: int(0, 31_536_000) },
  recordPath: { name: 'MEDIAMESH_GATEWAY_RECORD', doc: 'append every answered request to this JSON-lines file for `mediamesh replay` (empty = off)', fallback: '', parse: String },
  resultCacheBytes: {
    name: 'MEDIAMESH_RESULT_CACHE_BYTES',
    doc: 'memory of the results cache of processed images, bytes (0 = no results cache)',
    fallback: 128 * 1024 ** 2,
    parse: bytes,
  },
  resultCacheDir: {
    name: 'MEDIAMESH_RESULT_CACHE_DIR',
    doc: "folder of the results cache's disk tier, one gateway's own (relative = under MEDIAMESH_HOME; empty = no disk tier)",
    fallback: '',
    parse: str(/^[^\u0000]*$/, 'a folder path'),
  },
  resultCacheDiskBytes: { name: 'MEDIAMESH_RESULT_CACHE_DISK_BYTES', doc: "bytes of the results cache's disk tier", fallback: 1024 ** 3, parse: bytes },
  etagTtlMs: {
    name: 'MEDIAMESH_RESULT_CACHE_ETAG_TTL_MS',
    doc: "longest time a source's etag is believed without news: how stale a hit can be for a write that bypasses this gateway while ZooKeeper is unreachable",
    fallback: 5_000,
    parse: int(0, 3_600_000),
  },
  trustProxy: { name: 'MEDIAMESH_GATEWAY_TRUST_PROXY', doc: 'trust X-Forwarded-Proto/Host (signed URLs behind a proxy)', fallback: false, parse: bool },
} satisfies Record<string, EnvSpec<unknown>>;

export type GatewayConfig = ConfigOf<typeof gatewaySpecs>;
