import { describe, expect, it } from 'vitest';
import { loadConfig } from '../runtime';
import { FrameFormat } from '../../generated/mediamesh/video/v1/operations';
import { defaultRendition, emptyAvthumb } from '../../fop';
import { planAvthumb } from './avthumb';
import { videoSpecs } from './config';
import { masterPlaylist, planLadder } from './hls';
import { describeMedia, sniffPlaylist, type MediaInfo } from './input-guard';
import { frameFilters, frameSize } from './vframe';

const config = loadConfig(videoSpecs, {});
const info = (width: number, height: number, audio = true): MediaInfo => ({
  duration: 10,
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  video: { index: 0, codec: 'h264', width, height, rotation: 0, bitRate: 2_000_000 },
  audio: audio ? { index: 1, codec: 'aac', bitRate: 128_000 } : undefined,
  bitRate: 2_100_000,
});

describe('input guard', () => {
  it('sniffs playlists and concat scripts, with BOM and leading blanks', () => {
    for (const text of ['#EXTM3U\n', '\ufeff  #EXTM3U', 'ffconcat version 1.0\n', "file '/etc/passwd'\n", 'junk\n#EXTINF:1,\nx.ts']) {
      expect(() => sniffPlaylist(Buffer.from(text)), text).toThrow(/playlist or concat script/);
    }
    expect(() => sniffPlaylist(Buffer.from([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70]))).not.toThrow();
  });

  it('refuses playlist formats, empty media and inputs over the limits; reads rotation', () => {
    const doc = (format: string, streams: object[]) => ({ format: { format_name: format, duration: '5.0' }, streams: streams as never });
    expect(() => describeMedia(doc('hls', [{ index: 0, codec_type: 'video', width: 2, height: 2 }]), config)).toThrow(/format "hls" is not accepted/);
    expect(() => describeMedia(doc('mov', [{ index: 0, codec_type: 'data' }]), config)).toThrow(/no audio or video stream/);
    expect(() => describeMedia(doc('mov', [{ index: 0, codec_type: 'video', width: 9000, height: 100 }]), config)).toThrow(/MEDIAMESH_VIDEO_MAX_WIDTH/);
    const rotated = describeMedia(doc('mov', [{ index: 0, codec_type: 'video', width: 320, height: 240, side_data_list: [{ rotation: -90 }] }]), config);
    expect(rotated.video).toMatchObject({ width: 240, height: 320, rotation: -90 });
  });
});

describe('plans', () => {
  it('vframe: rotation before scaling, sizes as ffmpeg rounds them', () => {
    const v = { format: FrameFormat.FRAME_FORMAT_JPEG, offset: 1, width: 100, height: 0, rotate: 90 };
    expect(frameFilters(v)).toEqual(['transpose=clock', 'scale=100:-1']);
    expect(frameSize(v, info(320, 240))).toEqual({ width: 100, height: 133 });
    expect(frameSize({ ...v, rotate: 0, width: 0, height: 0 }, info(321, 239))).toEqual({ width: 321, height: 239 });
  });

  it('hls ladder: rungs above the source dropped, the lowest kept at most at the source height', () => {
    expect(planLadder({ renditions: [], segmentSeconds: 0 }, info(1280, 720)).map((r) => `${r.width}x${r.height}`)).toEqual(['640x360', '1280x720']);
    expect(planLadder({ renditions: [], segmentSeconds: 0 }, info(320, 240)).map((r) => `${r.width}x${r.height}`)).toEqual(['320x240']);
    const rungs = planLadder({ renditions: [720, 360].map(defaultRendition), segmentSeconds: 0 }, info(1920, 1080, false));
    expect(masterPlaylist(rungs, false)).toBe(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=880000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=3080000,AVERAGE-BANDWIDTH=2800000,RESOLUTION=1280x720\n720p/index.m3u8\n',
    );
  });

  it('avthumb: bitrates capped at the source, copy refuses filters, ss past the end is OUT_OF_RANGE', () => {
    const plan = planAvthumb({ ...emptyAvthumb('mp4'), videoBitrate: 8_000_000, width: 641 }, info(1280, 720), config);
    expect(plan.outputOptions.join(' ')).toContain('-b:v 2000000');
    expect(plan.outputOptions.join(' ')).toContain('scale=640:-2');
    expect(plan.outputOptions.join(' ')).toContain('-movflags +faststart');
    expect(() => planAvthumb({ ...emptyAvthumb('mp4'), videoCodec: 'copy', width: 320 }, info(640, 480), config)).toThrow(/copy cannot be combined/);
    expect(() => planAvthumb({ ...emptyAvthumb('mp4'), start: 11 }, info(640, 480), config)).toThrow(/past the end/);
    expect(planAvthumb({ ...emptyAvthumb('webm') }, info(640, 480, false), config).outputOptions).toContain('-an');
  });
});
