/**
 * bench/video-vframe: the video service against the ffmpeg command it wraps, side by side
 * in one run, on a generated 60 s 1080p H.264 file (cached in the OS temp dir).
 *  - vframe latency at 1 s, the middle and near the end: Snapshot over gRPC (source in
 *    storage, so the call is caller -> video -> storage) vs `ffmpeg -ss <t> -i file -frames:v 1`
 *    run directly. Ratio = direct / service (1.0 = no overhead; target >= 0.9).
 *  - transcode speed as a realtime factor: Transcode of 20 s to 640x360 mp4 vs the same
 *    ffmpeg arguments run directly.
 * Run: npm run build && npx node dist/bench/video-vframe.js   (VIDEO_BENCH_ROUNDS=5 by default)
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { StorageServiceClient } from '../generated/mediamesh/storage/v1/storage';
import { VideoServiceClient, type SnapshotResponse, type TranscodeResponse } from '../generated/mediamesh/video/v1/video';
import { makeSampleVideo } from '../services/video/sample';
import { startService } from '../launcher/process';

const run = promisify(execFile);
const ROUNDS = Number(process.env.VIDEO_BENCH_ROUNDS ?? 5);
const SOURCE = path.join(os.tmpdir(), 'mediamesh-bench-1080p-60s.mp4');
const OFFSETS = [1, 30, 58.5];

async function ensureSource(): Promise<void> {
  if (fs.existsSync(SOURCE)) return;
  const t = Date.now();
  const tmp = `${SOURCE}.${process.pid}.mp4`;
  await makeSampleVideo(tmp, { seconds: 60, width: 1920, height: 1080, fps: 25, preset: 'ultrafast' });
  fs.renameSync(tmp, SOURCE);
  console.log(`generated ${SOURCE} (${(fs.statSync(SOURCE).size / 1e6).toFixed(1)} MB) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function main(): Promise<void> {
  await ensureSource();
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-bench-storage-'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-bench-video-'));
  const storage = await startService('services/storage/main.ts', { env: { MEDIAMESH_STORAGE_DIR: storageDir, MEDIAMESH_ZK: '', OTEL_SDK_DISABLED: 'true' } });
  const video = await startService('services/video/main.ts', {
    env: { MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address, MEDIAMESH_ZK: '', OTEL_SDK_DISABLED: 'true' },
  });
  const storageClient = new StorageServiceClient(storage.address, grpc.credentials.createInsecure());
  const client = new VideoServiceClient(video.address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 << 20 });
  try {
    await new Promise<void>((res, rej) => storageClient.createBucket({ bucket: { name: 'bench', visibility: 1 } }, (e) => (e ? rej(e) : res())));
    await new Promise<void>((res, rej) => {
      const call = storageClient.putObject((e) => (e ? rej(e) : res()));
      call.write({ part: { $case: 'header', value: { bucket: 'bench', key: 'src.mp4', contentType: 'video/mp4' } } });
      const data = fs.readFileSync(SOURCE);
      for (let i = 0; i < data.length; i += 1 << 20) call.write({ part: { $case: 'chunk', value: data.subarray(i, i + (1 << 20)) } });
      call.end();
    });
    const source = { kind: { $case: 'object' as const, value: { bucket: 'bench', key: 'src.mp4' } } };
    const snapshot = (offset: number) =>
      new Promise<SnapshotResponse>((res, rej) => client.snapshot({ source, fop: `vframe/jpg/offset/${offset}`, vframe: undefined }, (e, r) => (e ? rej(e) : res(r))));
    // The same ffmpeg arguments the service runs, minus its input whitelists.
    const direct = (offset: number) =>
      run('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-ss', String(offset), '-i', SOURCE, '-map', '0:0', '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '3', '-pix_fmt', 'yuvj420p', '-f', 'image2', '-update', '1', path.join(work, 'direct.jpg')]);

    console.log(`\nvframe 1920x1080 jpg, ${ROUNDS} rounds each (median ms), service vs direct ffmpeg in alternation`);
    const first = process.hrtime.bigint();
    await snapshot(1); // the first call fetches the object into the source cache and probes it once
    console.log(`first call (fetch + probe, then cached): ${ms(first).toFixed(0)} ms`);
    const rows: string[] = [];
    for (const offset of OFFSETS) {
      await direct(offset);
      const svc: number[] = [];
      const dir: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        let t = process.hrtime.bigint();
        const frame = await snapshot(offset);
        svc.push(ms(t));
        if (frame.width !== 1920 || frame.data.length === 0) throw new Error('unexpected frame');
        t = process.hrtime.bigint();
        await direct(offset);
        dir.push(ms(t));
      }
      const ratio = median(dir) / median(svc);
      rows.push(`offset ${String(offset).padStart(5)} s: service ${median(svc).toFixed(0).padStart(5)} ms | direct ffmpeg ${median(dir).toFixed(0).padStart(5)} ms | ratio ${ratio.toFixed(2)}${ratio >= 0.9 ? '' : '  (below 0.9 target)'}`);
    }
    console.log(rows.join('\n'));

    const clip = 20;
    const fop = `avthumb/mp4/s/640x360/t/${clip}`;
    let bytes = 0;
    const svcRuns: number[] = [];
    const dirRuns: number[] = [];
    // Two alternating rounds each: the machine is shared, so one run of each says little.
    for (let i = 0; i < 2; i++) {
      let t = process.hrtime.bigint();
      bytes = 0;
      for await (const m of client.transcode({ source, fop, avthumb: undefined }) as AsyncIterable<TranscodeResponse>) if (m.part?.$case === 'chunk') bytes += m.part.value.length;
      svcRuns.push(ms(t) / 1000);
      t = process.hrtime.bigint();
      await run('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-i', SOURCE, '-t', String(clip), '-map', '0:0', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-crf', '23', '-vf', 'scale=640:360', '-map', '0:1', '-c:a', 'aac', '-movflags', '+faststart', '-f', 'mp4', path.join(work, 'direct.mp4')]);
      dirRuns.push(ms(t) / 1000);
    }
    const svcSec = Math.min(...svcRuns);
    const dirSec = Math.min(...dirRuns);
    console.log(`\ntranscode ${fop} (${(bytes / 1e6).toFixed(1)} MB out), best of 2: service ${svcSec.toFixed(2)} s = ${(clip / svcSec).toFixed(2)}x realtime | direct ffmpeg ${dirSec.toFixed(2)} s = ${(clip / dirSec).toFixed(2)}x realtime | ratio ${(dirSec / svcSec).toFixed(2)}`);
  } finally {
    client.close();
    storageClient.close();
    await video.stop();
    await storage.stop();
    fs.rmSync(storageDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
