/**
 * The synchronous video methods against real ffmpeg: one storage and one video process
 * from dist, inputs made with ffmpeg lavfi in several codecs and containers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { FrameFormat } from '../../generated/mediamesh/video/v1/operations';
import type { Source } from '../../generated/mediamesh/common/v1/common';
import type { VideoServiceClient } from '../../generated/mediamesh/video/v1/video';
import type { StartedService } from '../../launcher/process';
import { ffprobeBuffer, inline, inlineBytes, makeTestMedia, object, rpc, rpcError, startStorage, startVideo, transcode, videoClient, type Storage, type TestMedia } from './support';

let storage: Storage;
let video: StartedService;
let client: VideoServiceClient;
let media: TestMedia;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-video-tmp-'));
  [media, storage] = await Promise.all([makeTestMedia(), startStorage()]);
  video = await startVideo(storage, {
    MEDIAMESH_VIDEO_SYNC_MAX_SECONDS: '2',
    MEDIAMESH_VIDEO_MAX_INPUT_BYTES: '3m',
    MEDIAMESH_VIDEO_MAX_DURATION_SECONDS: '10',
    MEDIAMESH_VIDEO_TMPDIR: tmp,
  });
  client = videoClient(video.address);
  await storage.put('clips/a.mp4', fs.readFileSync(media.mp4));
});

afterAll(async () => {
  client?.close();
  await video?.stop();
  await storage?.stop();
  media?.remove();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const probe = (source: Source) => rpc(client, 'probe', { source });
const snap = (source: Source, fop: string) => rpc(client, 'snapshot', { source, fop });

describe('avinfo (Probe)', () => {
  it('returns ffprobe-typed streams and format as Qiniu does, without our temp path', async () => {
    const res = await probe(inline(media.mp4));
    expect(res).toMatchObject({ formatName: 'mov,mp4,m4a,3gp,3g2,mj2', width: 320, height: 240, videoCodec: 'h264', audioCodec: 'aac' });
    expect(res.duration).toBeGreaterThan(2.9);
    expect(res.duration).toBeLessThan(3.2);
    const doc = JSON.parse(res.json);
    const [v, a] = doc.streams;
    expect(v).toMatchObject({ index: 0, codec_name: 'h264', codec_type: 'video', width: 320, height: 240, r_frame_rate: '25/1', pix_fmt: 'yuv420p' });
    expect(typeof v.duration).toBe('string');
    expect(typeof v.codec_time_base).toBe('string');
    expect(a).toMatchObject({ codec_name: 'aac', codec_type: 'audio', sample_rate: '44100', channels: 1 });
    expect(doc.format).toMatchObject({ nb_streams: 2, format_name: 'mov,mp4,m4a,3gp,3g2,mj2' });
    expect(typeof doc.format.duration).toBe('string');
    expect(typeof doc.format.size).toBe('string');
    expect(doc.format.filename).toBeUndefined();
    expect(res.json).not.toContain(os.tmpdir());
  });

  it('reads other containers and codecs, rotation, odd sizes, audio only, and storage objects', async () => {
    expect(await probe(inline(media.rotated))).toMatchObject({ width: 240, height: 320, videoCodec: 'h264' });
    expect(await probe(inline(media.webmNoAudio))).toMatchObject({ width: 320, height: 240, videoCodec: 'vp8', audioCodec: '' });
    expect(await probe(inline(media.oddAvi))).toMatchObject({ formatName: 'avi', width: 321, height: 239, videoCodec: 'mjpeg', audioCodec: 'pcm_s16le' });
    expect(await probe(inline(media.audioOnly))).toMatchObject({ width: 0, height: 0, videoCodec: '', audioCodec: 'aac' });
    expect(await probe(object('clips/a.mp4'))).toMatchObject({ width: 320, videoCodec: 'h264' });
    expect((await rpcError(client, 'probe', { source: object('clips/missing.mp4') })).code).toBe(status.NOT_FOUND);
  });
});

describe('vframe (Snapshot)', () => {
  it('grabs frames at offsets in jpg/png/webp with the asked size', async () => {
    const jpg = await snap(inline(media.mp4), 'vframe/jpg/offset/1/w/160');
    expect(jpg).toMatchObject({ contentType: 'image/jpeg', width: 160, height: 120 });
    expect(jpg.data.subarray(0, 2).toString('hex')).toBe('ffd8');
    const png = await snap(inline(media.mp4), 'vframe/png/offset/2.5/h/60');
    expect(png).toMatchObject({ contentType: 'image/png', width: 80, height: 60 });
    const webp = await rpc(client, 'snapshot', { source: object('clips/a.mp4'), vframe: { format: FrameFormat.FRAME_FORMAT_WEBP, offset: 0.2, width: 100, height: 50, rotate: 0 }, fop: '' });
    expect(webp).toMatchObject({ contentType: 'image/webp', width: 100, height: 50 });
    for (const [frame, ext] of [[jpg, 'jpg'], [png, 'png'], [webp, 'webp']] as const) {
      const s = (await ffprobeBuffer(frame.data, ext)).streams[0]!;
      expect([s.width, s.height]).toEqual([frame.width, frame.height]);
    }
    // testsrc2 changes every frame: different offsets give different pictures.
    const early = await snap(inline(media.mp4), 'vframe/png/offset/0.5/w/80');
    const late = await snap(inline(media.mp4), 'vframe/png/offset/2.5/w/80');
    expect(early.data.equals(late.data)).toBe(false);
  });

  it('honours rotation metadata, then the extra rotate, and odd sizes', async () => {
    expect(await snap(inline(media.rotated), 'vframe/jpg/offset/1')).toMatchObject({ width: 240, height: 320 });
    const small = await snap(inline(media.rotated), 'vframe/jpg/offset/1/w/120');
    expect(small).toMatchObject({ width: 120, height: 160 });
    expect((await ffprobeBuffer(small.data, 'jpg')).streams[0]).toMatchObject({ width: 120, height: 160 });
    const turned = await snap(inline(media.mp4), 'vframe/jpg/offset/1/rotate/90');
    expect((await ffprobeBuffer(turned.data, 'jpg')).streams[0]).toMatchObject({ width: 240, height: 320 });
    const odd = await snap(inline(media.oddAvi), 'vframe/png/offset/1/w/100');
    expect((await ffprobeBuffer(odd.data, 'png')).streams[0]).toMatchObject({ width: odd.width, height: odd.height });
    expect(odd).toMatchObject({ width: 100, height: 74 });
  });

  it('answers OUT_OF_RANGE past the end and INVALID_ARGUMENT for bad requests', async () => {
    const past = await rpcError(client, 'snapshot', { source: inline(media.mp4), fop: 'vframe/jpg/offset/3.5' });
    expect(past.code).toBe(status.OUT_OF_RANGE);
    expect(past.details).toMatch(/offset 3.5s is past the end of the video \(duration 3\.\d+s\)/);
    const audio = await rpcError(client, 'snapshot', { source: inline(media.audioOnly), fop: 'vframe/jpg/offset/1' });
    expect([audio.code, audio.details]).toEqual([status.INVALID_ARGUMENT, 'vframe: the input has no video stream']);
    const bad = await rpcError(client, 'snapshot', { source: inline(media.mp4), fop: 'vframe/gif/offset/x' });
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('vframe/format: "gif" is not one of jpg, png, webp');
    expect(bad.details).toContain('vframe/offset: expected seconds');
    expect((await rpcError(client, 'snapshot', { source: undefined, fop: 'vframe/jpg/offset/1' })).code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('avthumb (Transcode)', () => {
  it('mp4: H.264/AAC, size, clip, faststart', async () => {
    const out = await transcode(client, { source: inline(media.mp4), fop: 'avthumb/mp4/s/160x120/ss/0.5/t/2/vb/200k' });
    expect(out.contentType).toBe('video/mp4');
    expect(out.data.indexOf('moov')).toBeLessThan(out.data.indexOf('mdat'));
    const doc = await ffprobeBuffer(out.data, 'mp4');
    const v = doc.streams.find((s) => s.codec_type === 'video')!;
    expect(v).toMatchObject({ codec_name: 'h264', width: 160, height: 120 });
    expect(doc.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });
    expect(Math.abs(Number(doc.format.duration) - 2)).toBeLessThan(0.3);
  });

  it('webm: VP9/Opus; audio-only and video-only outputs', async () => {
    const webm = await transcode(client, { source: inline(media.mp4), fop: 'avthumb/webm/w/160/t/1.5' });
    expect(webm.contentType).toBe('video/webm');
    const doc = await ffprobeBuffer(webm.data, 'webm');
    expect(doc.streams.map((s) => s.codec_name).sort()).toEqual(['opus', 'vp9']);
    expect(doc.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 160, height: 120 });
    expect(Math.abs(Number(doc.format.duration) - 1.5)).toBeLessThan(0.3);
    const m4a = await transcode(client, { source: inline(media.mp4), fop: 'avthumb/m4a/ab/64k/t/2' });
    expect((await ffprobeBuffer(m4a.data, 'm4a')).streams.map((s) => s.codec_type)).toEqual(['audio']);
    const silent = await transcode(client, { source: inline(media.webmNoAudio), fop: 'avthumb/mp4/an/1/r/10' });
    const sdoc = await ffprobeBuffer(silent.data, 'mp4');
    expect(sdoc.streams.map((s) => s.codec_name)).toEqual(['h264']);
    expect(sdoc.streams[0]!.r_frame_rate).toBe('10/1');
  });

  it('refuses long inputs with a hint to submit a job, and bad parameters by name', async () => {
    const long = await transcode(client, { source: inline(media.mp4), fop: 'avthumb/mp4' }).catch((e) => e);
    expect(long.code).toBe(status.FAILED_PRECONDITION);
    expect(long.details).toMatch(/above the 2s limit of synchronous transcoding .*submit a job/);
    const bad = await transcode(client, { source: inline(media.mp4), fop: 'avthumb/mp4/vcodec/libvpx-vp9/t/1' }).catch((e) => e);
    expect([bad.code, bad.details]).toEqual([status.INVALID_ARGUMENT, 'avthumb/vcodec: "libvpx-vp9" is not allowed in mp4 (allowed: libx264, copy)']);
  });
});

describe('input safety and limits', () => {
  const secret = path.join(os.tmpdir(), 'mm-video-secret.txt');
  beforeAll(() => fs.writeFileSync(secret, 'TOP-SECRET-CONTENT\n'));
  afterAll(() => fs.rmSync(secret, { force: true }));

  it('refuses playlists and concat scripts naming local files, inline or from storage', async () => {
    const playlist = Buffer.from(`#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile://${secret}\n#EXT-X-ENDLIST\n`);
    const concat = Buffer.from(`ffconcat version 1.0\nfile '${secret}'\n`);
    const bomPlaylist = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`\n  #EXTM3U\n#EXTINF:1,\n${secret}\n`)]);
    await storage.put('evil/list.m3u8', playlist);
    for (const source of [inlineBytes(playlist), inlineBytes(concat), inlineBytes(bomPlaylist), object('evil/list.m3u8')]) {
      const err = await rpcError(client, 'probe', { source });
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(err.details).toMatch(/refused input: the input is a playlist or concat script/);
      const out = await transcode(client, { source, fop: 'avthumb/mp4/t/1' }).catch((e) => e);
      expect(out.code).toBe(status.INVALID_ARGUMENT);
    }
  });

  it('refuses unreadable, truncated, too large and too long inputs with clear statuses', async () => {
    const truncated = await rpcError(client, 'probe', { source: inline(media.truncated) });
    expect(truncated.code).toBe(status.INVALID_ARGUMENT);
    expect(truncated.details).toMatch(/^cannot read the input as audio\/video/);
    const garbage = await rpcError(client, 'probe', { source: inlineBytes(Buffer.from('hello, not a video')) });
    expect(garbage.code).toBe(status.INVALID_ARGUMENT);
    const big = await rpcError(client, 'probe', { source: inlineBytes(Buffer.alloc(3.5 * 1024 * 1024, 7)) });
    expect(big.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(big.details).toMatch(/MEDIAMESH_VIDEO_MAX_INPUT_BYTES/);
    const longAudio = path.join(media.dir, 'long.m4a');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=12', '-c:a', 'aac', '-b:a', '16k', longAudio]);
    const long = await rpcError(client, 'probe', { source: inline(longAudio) });
    expect(long.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(long.details).toMatch(/duration 12\.\ds is above the limit 10s \(MEDIAMESH_VIDEO_MAX_DURATION_SECONDS\)/);
  });

  it('answers FAILED_PRECONDITION for jobs without ZooKeeper', async () => {
    const err = await rpcError(client, 'submitJob', { spec: { source: { bucket: 'media', key: 'clips/a.mp4' }, work: undefined, output: undefined, notifyUrl: '', fop: 'hls' } });
    expect([err.code, err.details]).toEqual([status.FAILED_PRECONDITION, 'jobs need ZooKeeper: start the video service with MEDIAMESH_ZK set']);
  });

  it('leaves no temp files behind (only the source cache) and is still serving', async () => {
    const leftovers = () => fs.readdirSync(tmp).filter((f) => !f.startsWith('mediamesh-video-cache-'));
    expect(leftovers()).toEqual([]);
    expect((await probe(inline(media.mp4))).videoCodec).toBe('h264');
    expect(leftovers()).toEqual([]);
  });

  it('serves a changed storage object fresh (the source cache is keyed by etag)', async () => {
    await storage.put('clips/changing.mp4', fs.readFileSync(media.mp4));
    expect(await probe(object('clips/changing.mp4'))).toMatchObject({ videoCodec: 'h264', width: 320 });
    await storage.put('clips/changing.mp4', fs.readFileSync(media.webmNoAudio));
    expect(await probe(object('clips/changing.mp4'))).toMatchObject({ videoCodec: 'vp8', audioCodec: '' });
  });
});
