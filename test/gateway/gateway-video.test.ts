/**
 * Video through the gateway: gateway → video → storage as real processes (and a real
 * ZooKeeper for the event-sourced jobs). Browser playback needs 206 ranges on MP4;
 * avinfo/vframe/avthumb are synchronous operations; POST /v1/jobs runs an HLS ladder
 * whose playlists and segments are then served as ordinary objects.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { ADMIN, admin, createBucket, request, startStack, type Stack } from './stack';

describe('gateway video (storage + video + gateway processes, ZooKeeper for jobs)', () => {
  let zk: ZooKeeperServer;
  let stack: Stack;
  let video: StartedService;
  let gateway: StartedService;
  let base: string;
  let mp4: Buffer;

  beforeAll(async () => {
    zk = await startZooKeeper();
    stack = await startStack();
    video = await startService('services/video/main.ts', {
      env: { MEDIAMESH_HOME: stack.home, OTEL_SDK_DISABLED: 'true', MEDIAMESH_ZK: zk.connectString, MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: stack.storage.address },
    });
    // A second gateway that also knows the video service (the stack's gateway does not).
    gateway = await startService('services/gateway/main.ts', {
      env: {
        MEDIAMESH_HOME: stack.home,
        OTEL_SDK_DISABLED: 'true',
        MEDIAMESH_MESH_MODE: 'direct',
        MEDIAMESH_DIRECT_STORAGE: stack.storage.address,
        MEDIAMESH_DIRECT_IMAGE: '127.0.0.1:1',
        MEDIAMESH_DIRECT_VIDEO: video.address,
        MEDIAMESH_GATEWAY_PORT: '0',
        MEDIAMESH_ADMIN_TOKEN: ADMIN,
      },
    });
    base = `http://127.0.0.1:${gateway.port}`;
    const file = path.join(stack.home, 'clip.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=duration=3',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', file]);
    mp4 = fs.readFileSync(file);
    await createBucket(base, 'media', 'public');
    expect((await request(base, 'PUT', '/media/clip.mp4', { headers: admin({ 'content-type': 'video/mp4' }), body: mp4 })).status).toBe(200);
  });
  afterAll(async () => {
    await gateway?.stop();
    await video?.stop();
    await stack?.stop();
    await zk?.stop();
  });

  it('serves MP4 the way browsers play it (Safari probe, seek ranges)', async () => {
    const probe = await request(base, 'GET', '/media/clip.mp4', { headers: { range: 'bytes=0-1' } });
    expect(probe.status).toBe(206);
    expect(probe.headers['content-type']).toBe('video/mp4');
    expect(probe.headers['content-range']).toBe(`bytes 0-1/${mp4.length}`);
    const seek = await request(base, 'GET', '/media/clip.mp4', { headers: { range: `bytes=${mp4.length - 1000}-` } });
    expect(seek.body.equals(mp4.subarray(mp4.length - 1000))).toBe(true);
  });

  it('runs avinfo, vframe and avthumb synchronously', async () => {
    const info = await request(base, 'GET', '/media/clip.mp4?avinfo');
    expect(info.status, info.body.toString()).toBe(200);
    expect(info.headers['content-type']).toMatch(/^application\/json/);
    const json = info.json() as { streams: { codec_type: string; width?: number }[]; format: { format_name: string } };
    expect(json.streams.find((s) => s.codec_type === 'video')?.width).toBe(320);
    expect(json.format.format_name).toMatch(/mp4/);

    const frame = await request(base, 'GET', '/media/clip.mp4?vframe/jpg/offset/1/w/160');
    expect(frame.status, frame.body.toString()).toBe(200);
    expect(frame.headers['content-type']).toBe('image/jpeg');
    expect(await sharp(frame.body).metadata()).toMatchObject({ format: 'jpeg', width: 160, height: 120 });
    expect(frame.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);

    const small = await request(base, 'GET', '/media/clip.mp4?avthumb/mp4/s/160x120');
    expect(small.status, small.body.toString().slice(0, 200)).toBe(200);
    expect(small.headers['content-type']).toBe('video/mp4');
    expect(small.body.subarray(4, 8).toString('latin1')).toBe('ftyp');

    const bad = await request(base, 'GET', '/media/clip.mp4?vframe/bmp/offset/x');
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatch(/vframe/);
  });

  it('runs an HLS job and serves its playlists and segments', async () => {
    const badJob = await request(base, 'POST', '/v1/jobs', { headers: admin(), body: JSON.stringify({ source: { bucket: 'media' }, fop: 'vframe/jpg/offset/1' }) });
    expect(badJob.status).toBe(400);
    expect(badJob.json().error).toMatch(/source\.key: required.*fop: jobs run avthumb or hls/);
    expect((await request(base, 'POST', '/v1/jobs', { body: '{}' })).status).toBe(401);

    const submitted = await request(base, 'POST', '/v1/jobs', {
      headers: admin({ 'content-type': 'application/json' }),
      body: JSON.stringify({ source: { bucket: 'media', key: 'clip.mp4' }, fop: 'hls', output: { bucket: 'media', key: 'out/clip' } }),
    });
    expect(submitted.status, submitted.body.toString()).toBe(200);
    const id = String(submitted.json().id);
    let status: Record<string, unknown> = {};
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      status = (await request(base, 'GET', `/v1/jobs/${id}`)).json();
      if (status.code === 0 || status.code === 3) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status, JSON.stringify(status)).toMatchObject({ id, code: 0, inputBucket: 'media', inputKey: 'clip.mp4' });
    const keys = (status.items as { keys: string[] }[])[0].keys;
    const master = keys.find((k) => k.endsWith('master.m3u8'))!;
    const segment = keys.find((k) => k.endsWith('.ts'))!;
    expect(master).toBeTruthy();
    const playlist = await request(base, 'GET', `/media/${master}`);
    expect(playlist.status).toBe(200);
    expect(playlist.headers['content-type']).toMatch(/^application\/vnd\.apple\.mpegurl/);
    expect(playlist.body.toString()).toMatch(/^#EXTM3U/);
    const ts = await request(base, 'GET', `/media/${segment}`);
    expect(ts.status).toBe(200);
    expect(ts.headers['content-type']).toBe('video/mp2t');
    expect((await request(base, 'GET', '/v1/jobs/no-such-job')).status).toBe(404);
    expect((await request(base, 'GET', '/v1/jobs/bad%20id')).status).toBe(400);
  });
});
