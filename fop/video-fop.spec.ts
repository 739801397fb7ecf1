import { describe, expect, it } from 'vitest';
import { FrameFormat } from '../generated/mediamesh/video/v1/operations';
import type { ValidationResult } from './validation';
import { emptyAvthumb, formatAvthumb, parseAvthumb } from './video-avthumb';
import { parseVideoFop } from './video-fop';
import { defaultRendition, formatHls, parseHls } from './video-hls';
import { formatVframe, parseVframe } from './video-vframe';

const errorsOf = (r: ValidationResult<unknown>) => (r.ok ? [] : [...r.errors]);

describe('vframe', () => {
  it('parses the Qiniu example and round-trips', () => {
    const r = parseVframe('vframe/jpg/offset/2.5/w/480/h/360/rotate/90/');
    expect(r).toEqual({ ok: true, value: { format: FrameFormat.FRAME_FORMAT_JPEG, offset: 2.5, width: 480, height: 360, rotate: 90 } });
    if (!r.ok) return;
    expect(formatVframe(r.value)).toBe('vframe/jpg/offset/2.5/w/480/h/360/rotate/90');
    for (const text of ['vframe/png/offset/0', 'vframe/webp/offset/7/h/200', 'vframe/jpg/offset/1.001/w/20/rotate/270']) {
      const p = parseVframe(text);
      expect(p.ok && formatVframe(p.value)).toBe(text);
    }
  });

  it('collects every error with the parameter name', () => {
    const errors = errorsOf(parseVframe('vframe/gif/w/5/h/x/rotate/45/zoom/2'));
    expect(errors).toEqual([
      'vframe/format: "gif" is not one of jpg, png, webp',
      'vframe/w: expected an integer from 20 to 3840, got "5"',
      'vframe/h: expected an integer from 20 to 2160, got "x"',
      'vframe/rotate: expected 90, 180, 270 or auto, got "45"',
      'vframe/zoom: unknown parameter (known: offset, w, h, rotate)',
      'vframe/offset: required (seconds), as in vframe/jpg/offset/3',
    ]);
    expect(errorsOf(parseVframe('vframe/jpg/offset/-1'))[0]).toMatch(/^vframe\/offset: expected seconds/);
    expect(errorsOf(parseVframe('vframe/jpg/offset'))[0]).toBe('vframe/offset: missing value');
    expect(errorsOf(parseVframe('vframe'))[0]).toMatch(/^vframe: missing format/);
  });
});

describe('avthumb', () => {
  it('parses Qiniu parameters and round-trips', () => {
    const r = parseAvthumb('avthumb/mp4/vb/1.25m/ab/128k/r/30/s/640x360/ss/1.5/t/2/vcodec/libx264/acodec/aac/ar/44100');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ container: 'mp4', videoBitrate: 1_250_000, audioBitrate: 128_000, frameRate: 30, width: 640, height: 360, start: 1.5, duration: 2 });
    expect(parseAvthumb(formatAvthumb(r.value))).toEqual(r);
    for (const text of ['avthumb/webm', 'avthumb/mp4/w/320/an/1', 'avthumb/m4a/ab/64k/vn/1', 'avthumb/webm/vb/800k/h/240/vcodec/libvpx-vp9/acodec/libopus']) {
      const p = parseAvthumb(text);
      expect(p.ok && formatAvthumb(p.value)).toBe(text);
    }
    expect(formatAvthumb({ ...emptyAvthumb('mp4'), videoBitrate: 64_500 })).toBe('avthumb/mp4/vb/64500');
  });

  it('refuses bad containers, codecs and values, naming each', () => {
    const errors = errorsOf(parseAvthumb('avthumb/avi/vb/fast/s/640/t/0'));
    expect(errors).toContain('avthumb/vb: expected a bitrate such as 800k or 1.5m (1k..200m), got "fast"');
    expect(errors).toContain('avthumb/s: expected <W>x<H> such as 640x360, got "640"');
    expect(errors).toContain('avthumb/t: duration must be above 0');
    expect(errors).toContain('avthumb/format: "avi" is not one of mp4, webm, m4a, mp3, ogg');
    expect(errorsOf(parseAvthumb('avthumb/mp4/vcodec/libvpx-vp9'))).toEqual([
      'avthumb/vcodec: "libvpx-vp9" is not allowed in mp4 (allowed: libx264, copy)',
    ]);
    expect(errorsOf(parseAvthumb('avthumb/mp4/an/1/vn/1'))).toEqual(['avthumb/an: an/1 with vn/1 leaves nothing to encode']);
    expect(errorsOf(parseAvthumb('avthumb/mp4/s/640x360/w/320'))).toEqual(['avthumb/s: give either s/<W>x<H> or w/h, not both']);
  });
});

describe('hls', () => {
  it('defaults to the 360/720/1080 ladder and round-trips custom ones', () => {
    const r = parseHls('hls');
    expect(r).toEqual({ ok: true, value: { renditions: [360, 720, 1080].map(defaultRendition), segmentSeconds: 0 } });
    for (const text of ['hls', 'hls/240,480', 'hls/360,720/segtime/6', 'hls/segtime/2', 'hls/360,720/vb/700k,2m', 'hls/360/ab/64k']) {
      const p = parseHls(text);
      expect(p.ok && formatHls(p.value)).toBe(text);
    }
  });

  it('refuses bad heights and mismatched lists', () => {
    expect(errorsOf(parseHls('hls/360,360'))).toEqual(['hls/heights: a height is listed twice']);
    expect(errorsOf(parseHls('hls/360,720/vb/1m'))).toEqual(['hls/vb: expected 2 bitrates (one per height), got 1']);
    expect(errorsOf(parseHls('hls/10/fps/3'))).toEqual(['hls/heights[0]: expected an integer from 64 to 4320, got "10"', 'hls/fps: unknown parameter (known: segtime, vb, ab)']);
  });
});

describe('parseVideoFop', () => {
  it('dispatches by name and refuses unknown operations', () => {
    expect(parseVideoFop('avinfo')).toEqual({ ok: true, value: { $case: 'avinfo' } });
    expect(errorsOf(parseVideoFop('avinfo/x'))).toEqual(['avinfo: takes no parameters, got "x"']);
    expect(parseVideoFop('vframe/png/offset/1').ok).toBe(true);
    expect(errorsOf(parseVideoFop('imageView2/1/w/2'))[0]).toMatch(/unknown video operation "imageView2"/);
  });
});
