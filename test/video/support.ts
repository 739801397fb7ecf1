/**
 * Test support of the video suites: real storage (from dist) with a bucket, video
 * processes from dist, typed gRPC helpers, and test media made with ffmpeg lavfi.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { Source } from '../../generated/mediamesh/common/v1/common';
import { StorageServiceClient, type GetObjectResponse } from '../../generated/mediamesh/storage/v1/storage';
import { VideoServiceClient, type TranscodeResponse, type VideoServiceServer } from '../../generated/mediamesh/video/v1/video';
import { startService, type StartedService } from '../../launcher/process';
import { makeSampleVideo } from '../../services/video/sample';

const run = promisify(execFile);

/** Storage is a running storage service with one bucket. */
export interface Storage {
  readonly proc: StartedService;
  readonly client: StorageServiceClient;
  readonly dir: string;
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  keys(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

export const BUCKET = 'media';

/** startStorage runs services/storage from dist on a temp dir and creates the bucket. */
export async function startStorage(): Promise<Storage> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-video-storage-'));
  const proc = await startService('services/storage/main.ts', { env: { MEDIAMESH_STORAGE_DIR: dir, MEDIAMESH_ZK: '' } });
  const client = new StorageServiceClient(proc.address, grpc.credentials.createInsecure());
  await new Promise<void>((resolve, reject) => client.createBucket({ bucket: { name: BUCKET, visibility: 1 } }, (err) => (err ? reject(err) : resolve())));
  return {
    proc,
    client,
    dir,
    put: (key, data) =>
      new Promise((resolve, reject) => {
        const call = client.putObject((err) => (err ? reject(err) : resolve()));
        call.write({ part: { $case: 'header', value: { bucket: BUCKET, key, contentType: '' } } });
        for (let i = 0; i < data.length; i += 256 * 1024) call.write({ part: { $case: 'chunk', value: data.subarray(i, i + 256 * 1024) } });
        call.end();
      }),
    get: async (key) => {
      const chunks: Buffer[] = [];
      for await (const m of client.getObject({ bucket: BUCKET, key }) as AsyncIterable<GetObjectResponse>) if (m.part?.$case === 'chunk') chunks.push(m.part.value);
      return Buffer.concat(chunks);
    },
    keys: async (prefix) => {
      const out: string[] = [];
      let marker = '';
      do {
        const page = await new Promise<{ objects: { key: string }[]; nextMarker: string }>((resolve, reject) =>
          client.listObjects({ bucket: BUCKET, prefix, limit: 1000, marker }, (err, res) => (err ? reject(err) : resolve(res))),
        );
        out.push(...page.objects.map((o) => o.key));
        marker = page.nextMarker;
      } while (marker);
      return out;
    },
    stop: async () => {
      client.close();
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * startVideo runs services/video from dist dialling storage directly. Its temp dirs (job workspaces, source
 * cache) go in a dir of its own, removed when the process has exited: one killed with SIGKILL cannot remove them.
 */
export async function startVideo(storage: Storage, env: Record<string, string> = {}): Promise<StartedService> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-video-tmp-'));
  const removeTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const proc = await startService('services/video/main.ts', {
      env: { MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.proc.address, MEDIAMESH_ZK: '', MEDIAMESH_VIDEO_TMPDIR: tmp, ...env },
    });
    void proc.exited.then(removeTmp);
    return proc;
  } catch (err) {
    removeTmp();
    throw err;
  }
}

export const videoClient = (address: string) =>
  new VideoServiceClient(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });

type UnaryMethod = 'probe' | 'snapshot' | 'submitJob' | 'getJob' | 'cancelJob';
type RequestOf<M extends UnaryMethod> = Parameters<VideoServiceServer[M]>[0]['request'];
type ResponseOf<M extends UnaryMethod> = NonNullable<Parameters<Parameters<VideoServiceServer[M]>[1]>[1]>;

/** rpc calls a unary VideoService method, rejecting with the ServiceError. */
export function rpc<M extends UnaryMethod>(client: VideoServiceClient, method: M, req: RequestOf<M>): Promise<ResponseOf<M>> {
  const fn = client[method] as unknown as (req: RequestOf<M>, cb: (err: grpc.ServiceError | null, res: ResponseOf<M>) => void) => unknown;
  return new Promise((resolve, reject) => fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** rpcError resolves with the ServiceError a unary call fails with (and fails the test if it succeeds). */
export async function rpcError<M extends UnaryMethod>(client: VideoServiceClient, method: M, req: RequestOf<M>): Promise<grpc.ServiceError> {
  try {
    await rpc(client, method, req);
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error(`expected ${method} to fail`);
}

/** transcode collects a Transcode stream: content type and bytes. */
export async function transcode(client: VideoServiceClient, req: Parameters<VideoServiceClient['transcode']>[0]): Promise<{ contentType: string; data: Buffer }> {
  let contentType = '';
  const chunks: Buffer[] = [];
  for await (const m of client.transcode(req) as AsyncIterable<TranscodeResponse>) {
    if (m.part?.$case === 'head') contentType = m.part.value.contentType;
    if (m.part?.$case === 'chunk') chunks.push(m.part.value);
  }
  return { contentType, data: Buffer.concat(chunks) };
}

/** ffprobeFile returns ffprobe's JSON of a file (to check outputs independently of the service). */
export async function ffprobeFile(file: string): Promise<{ streams: Array<Record<string, any>>; format: Record<string, any> }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-of', 'json', '-show_streams', '-show_format', file]);
  return JSON.parse(stdout);
}

/** ffprobeBuffer writes bytes to a temp file and probes it. */
export async function ffprobeBuffer(data: Buffer, ext: string): Promise<{ streams: Array<Record<string, any>>; format: Record<string, any> }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mm-video-probe-')), `out.${ext}`);
  try {
    fs.writeFileSync(file, data);
    return await ffprobeFile(file);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

const ff = (args: string[]) => run('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args]);
const lavfiVideo = (size: string, seconds: number, rate = 25) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`];
const lavfiAudio = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`];

/** TestMedia are the inputs the suites use (all small, made once per suite). */
export interface TestMedia {
  readonly dir: string;
  /** 320x240, 3 s, H.264/AAC, mp4. */
  readonly mp4: string;
  /** The same with rotation metadata 90. */
  readonly rotated: string;
  /** 320x240, 2 s, VP8 webm without audio. */
  readonly webmNoAudio: string;
  /** 321x239 (odd), 2 s, MJPEG + PCM in AVI. */
  readonly oddAvi: string;
  /** 3 s AAC in m4a. */
  readonly audioOnly: string;
  /** The first 40% of a non-faststart mp4 (moov missing). */
  readonly truncated: string;
  remove(): void;
}

/** makeTestMedia writes every test input into a temp dir. */
export async function makeTestMedia(): Promise<TestMedia> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-video-media-'));
  const p = (name: string) => path.join(dir, name);
  await makeSampleVideo(p('a.mp4'), { seconds: 3 });
  await Promise.all([
    ff(['-i', p('a.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', p('rotated.mp4')]),
    ff([...lavfiVideo('320x240', 2), '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '300k', p('noaudio.webm')]),
    ff([...lavfiVideo('320x240', 2), ...lavfiAudio(2), '-vf', 'scale=321:239', '-c:v', 'mjpeg', '-pix_fmt', 'yuvj444p', '-q:v', '5', '-c:a', 'pcm_s16le', '-shortest', p('odd.avi')]),
    ff([...lavfiAudio(3), '-c:a', 'aac', '-b:a', '64k', p('audio.m4a')]),
    ff([...lavfiVideo('320x240', 3), ...lavfiAudio(3), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', p('plain.mp4')]),
  ]);
  const plain = fs.readFileSync(p('plain.mp4'));
  fs.writeFileSync(p('truncated.mp4'), plain.subarray(0, Math.floor(plain.length * 0.4)));
  return {
    dir,
    mp4: p('a.mp4'),
    rotated: p('rotated.mp4'),
    webmNoAudio: p('noaudio.webm'),
    oddAvi: p('odd.avi'),
    audioOnly: p('audio.m4a'),
    truncated: p('truncated.mp4'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** inline makes a Source of a file's bytes. */
export const inline = (file: string): Source => ({ kind: { $case: 'inline', value: fs.readFileSync(file) } });
/** inlineBytes makes a Source of bytes. */
export const inlineBytes = (value: Buffer): Source => ({ kind: { $case: 'inline', value } });
/** object makes a Source of a storage object. */
export const object = (key: string): Source => ({ kind: { $case: 'object', value: { bucket: BUCKET, key } } });
