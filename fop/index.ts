/**
 * fop: THE parser of Qiniu-style URL operations, shared by the gateway, the services and
 * the CLI. It imports neither sharp nor grpc: only the generated message types.
 */

// ---- public -------------------------------------------------------------------
export { classifyFop, parseFop, VIDEO_COMMANDS } from './classify';
export type { FopFamily, ParsedFop } from './classify';
export { formatImageOperation, formatImagePipeline, parseImagePipeline } from './image-pipeline';
export { formatImageView2, parseImageView2 } from './image-view2';
export { formatImageMogr2, parseImageMogr2 } from './image-mogr2';
export { formatWatermark, parseWatermark } from './watermark';
export { decodeUrlSafeBase64, encodeUrlSafeBase64 } from './base64';
export { invalid, valid } from './validation';
export type { ValidationResult } from './validation';

// ---- shared with parsers of other families (fop/video-*.ts) -------------------
export { formatName, gravityName, parseFlag, parseFormat, parseGravity, parseIntInRange, parseNumberInRange, parsePositiveInt, parseQuality } from './params';
export { ParamError, collect } from './validation';
export { applyPairs, splitSegments } from './segments';

// ---- video (fop/video-*.ts) ---------------------------------------------------
export * from './video-fop'; export { parseVframe, formatVframe, validateVframe, frameFormatName } from './video-vframe'; export { parseAvthumb, formatAvthumb, validateAvthumb, AVTHUMB_CONTAINERS } from './video-avthumb'; export { parseHls, formatHls, validateHls, defaultRendition } from './video-hls';
