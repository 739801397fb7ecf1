/**
 * Media bombs for the hostile-input suite, all small on disk: a PNG whose header claims
 * 100,000 × 100,000 pixels, a PNG that really inflates to 8192 × 8192, an 8192 × 8192
 * H.264 frame, and an MP4 whose movie header claims a duration of ~4 billion ticks.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** pngBomb: a valid PNG header of width × height RGB with `rows` rows of zero data behind it. */
export function pngBomb(width: number, height: number, rows = 1): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // RGB
  const raw = Buffer.alloc(Math.min(rows, height) * (1 + width * 3)); // filter byte 0 + zero pixels
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args]);

/** smallClip: a well-formed 1 s 64 × 64 clip, the control the bombs are compared with. */
export function smallClip(dir: string): Buffer {
  const file = path.join(dir, 'clip.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file]);
  return fs.readFileSync(file);
}

/** hugeVideo: one black 8192 × 8192 H.264 frame (~200 KB). */
export function hugeVideo(dir: string): Buffer {
  const file = path.join(dir, 'huge.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=black:s=8192x8192:r=25', '-frames:v', '1', '-c:v', 'libx264', '-preset', 'ultrafast', file]);
  return fs.readFileSync(file);
}

/**
 * endlessVideo: an endless lavfi test source cut to one second, then the movie header's
 * duration rewritten to 0xFFFFFFFF ticks (about 50 days at 1000 ticks/s, more at finer
 * timescales), so anything trusting the metadata plans an absurd amount of work.
 */
export function endlessVideo(dir: string): Buffer {
  const file = path.join(dir, 'endless.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file]);
  const buf = fs.readFileSync(file);
  const mvhd = buf.indexOf('mvhd');
  if (mvhd < 0 || buf[mvhd + 4] !== 0) throw new Error('endlessVideo: no version-0 mvhd box');
  buf.writeUInt32BE(0xffffffff, mvhd + 4 + 4 + 4 + 4 + 4); // version/flags, creation, modification, timescale → duration
  return buf;
}
