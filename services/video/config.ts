/** The video service's configuration (MEDIAMESH_VIDEO_*), printed at start; a bad value names its variable. */
import { bytes, int, oneOf, str, type ConfigOf, type EnvSpec } from '../runtime';

/** videoSpecs lists the video service's environment variables with their defaults. */
export const videoSpecs = {
  ffmpegPath: { name: 'MEDIAMESH_VIDEO_FFMPEG', doc: 'ffmpeg binary', fallback: '/usr/bin/ffmpeg', parse: str(/^\S+$/, 'a path') },
  ffprobePath: { name: 'MEDIAMESH_VIDEO_FFPROBE', doc: 'ffprobe binary', fallback: '/usr/bin/ffprobe', parse: str(/^\S+$/, 'a path') },
  maxInputBytes: { name: 'MEDIAMESH_VIDEO_MAX_INPUT_BYTES', doc: 'largest input accepted (RESOURCE_EXHAUSTED above)', fallback: 512 * 1024 ** 2, parse: bytes },
  maxDurationSeconds: { name: 'MEDIAMESH_VIDEO_MAX_DURATION_SECONDS', doc: 'longest input accepted', fallback: 4 * 3600, parse: int(1, 86_400) },
  maxWidth: { name: 'MEDIAMESH_VIDEO_MAX_WIDTH', doc: 'widest input video accepted', fallback: 7680, parse: int(16, 16_384) },
  maxHeight: { name: 'MEDIAMESH_VIDEO_MAX_HEIGHT', doc: 'tallest input video accepted', fallback: 4320, parse: int(16, 16_384) },
  syncMaxSeconds: {
    name: 'MEDIAMESH_VIDEO_SYNC_MAX_SECONDS',
    doc: 'longest output duration Transcode does synchronously (longer: submit a job)',
    fallback: 60,
    parse: int(1, 3600),
  },
  callTimeoutMs: { name: 'MEDIAMESH_VIDEO_CALL_TIMEOUT_MS', doc: 'time limit of one Probe/Snapshot/Transcode call', fallback: 120_000, parse: int(1000, 3_600_000) },
  jobTimeoutMs: { name: 'MEDIAMESH_VIDEO_JOB_TIMEOUT_MS', doc: 'time limit of one job attempt', fallback: 3 * 3_600_000, parse: int(1000, 86_400_000) },
  probeSizeBytes: { name: 'MEDIAMESH_VIDEO_PROBE_SIZE', doc: 'ffmpeg -probesize (bytes read to detect streams)', fallback: 5_000_000, parse: bytes },
  analyzeDurationUs: { name: 'MEDIAMESH_VIDEO_ANALYZE_DURATION_US', doc: 'ffmpeg -analyzeduration (microseconds)', fallback: 5_000_000, parse: int(100_000, 60_000_000) },
  x264Preset: {
    name: 'MEDIAMESH_VIDEO_X264_PRESET',
    doc: 'libx264 preset for mp4 and HLS',
    fallback: 'veryfast' as const,
    parse: oneOf('ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow'),
  },
  threads: { name: 'MEDIAMESH_VIDEO_THREADS', doc: 'ffmpeg -threads per run (0 = ffmpeg decides)', fallback: 0, parse: int(0, 64) },
  jobConcurrency: { name: 'MEDIAMESH_VIDEO_JOB_CONCURRENCY', doc: 'jobs one instance runs at once', fallback: 1, parse: int(1, 64) },
  zkSessionTimeoutMs: { name: 'MEDIAMESH_VIDEO_ZK_SESSION_TIMEOUT_MS', doc: 'ZooKeeper session timeout of the job worker (a dead worker loses its leases after it)', fallback: 10_000, parse: int(1000, 120_000) },
  jobKeyTtlMs: {
    name: 'MEDIAMESH_VIDEO_JOB_KEY_TTL_MS',
    doc: 'how long a SubmitJob idempotency key names its job (a repeat within it answers that job)',
    fallback: 86_400_000,
    parse: int(1000, 30 * 86_400_000),
  },
  jobRescanMs: { name: 'MEDIAMESH_VIDEO_JOB_RESCAN_MS', doc: 'safety-net rescan of unfinished jobs (watches do the usual work)', fallback: 5000, parse: int(200, 600_000) },
  sourceCacheBytes: {
    name: 'MEDIAMESH_VIDEO_SOURCE_CACHE_BYTES',
    doc: 'local cache of storage sources and their probes, by etag (0 = off)',
    fallback: 1024 ** 3,
    parse: bytes,
  },
  tempDir: { name: 'MEDIAMESH_VIDEO_TMPDIR', doc: 'where per-call temp dirs are made (empty = the OS temp dir)', fallback: '', parse: String },
} satisfies Record<string, EnvSpec<unknown>>;

export type VideoConfig = ConfigOf<typeof videoSpecs>;
