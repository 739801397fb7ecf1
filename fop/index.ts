/**
 * fop: THE parser of Qiniu-style URL operations, shared by the gateway, the services and
 * the CLI, and the only code that knows the URL syntax. It imports neither sharp nor grpc:
 * only the generated message types. Others import it through this file.
 */

// ---- a URL's operations: classify and parse once -------------------------------
export { classifyFop, parseFop, VIDEO_COMMANDS } from './classify';
export type { FopFamily, ParsedFop } from './classify';

// ---- image: URL syntax ⇄ typed messages, and the typed checks ------------------
export { formatImageOperation, formatImagePipeline, parseImagePipeline, validateImagePipeline } from './image-pipeline';
export { formatImageView2, parseImageView2, validateImageView2 } from './image-view2';
export { formatImageMogr2, parseImageMogr2, validateImageMogr2 } from './image-mogr2';
export { formatWatermark, parseWatermark, validateWatermark } from './watermark';
export { IMAGE_FORMATS, fixedEncoding, formatName, negotiateFormat, negotiatesFormat, requestedFormat } from './image-formats';
export type { ImageEncoding } from './image-formats';
export { decodeUrlSafeBase64, encodeUrlSafeBase64 } from './base64';
export { invalid, valid } from './validation';
export type { ValidationResult } from './validation';

// ---- video: URL syntax ⇄ typed messages, and the typed checks ------------------
export { formatVideoOperation, parseAvinfo, parseVideoFop, VIDEO_OPERATION_NAMES } from './video-fop';
export type { VideoOperation } from './video-fop';
export { formatVframe, frameFormatName, parseVframe, validateVframe } from './video-vframe';
export { AVTHUMB_CONTAINERS, emptyAvthumb, formatAvthumb, parseAvthumb, validateAvthumb } from './video-avthumb';
export { DEFAULT_LADDER_HEIGHTS, defaultAudioBitrate, defaultRendition, defaultVideoBitrate, formatHls, parseHls, validateHls } from './video-hls';
