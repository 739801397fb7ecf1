/**
 * The image pipeline `op1|op2|...` ⇄ ImageOperation[]. One table maps each command name
 * to its parser and the message case it fills; JSON-producing commands (imageInfo, exif,
 * imageAve) are only allowed where Qiniu allows them.
 */
import type { ImageOperation } from '../generated/mediamesh/image/v1/operations';
import { formatImageMogr2, parseImageMogr2, validateImageMogr2 } from './image-mogr2';
import { formatImageView2, parseImageView2, validateImageView2 } from './image-view2';
import { invalid, valid, type ValidationResult } from './validation';
import { formatWatermark, parseWatermark, validateWatermark } from './watermark';

type Op = NonNullable<ImageOperation['op']>;

const bare = (name: string, make: () => Op) => (fop: string): ValidationResult<Op> =>
  fop === name || fop === `${name}/` ? valid(make()) : invalid([`${name}: takes no parameters, got ${JSON.stringify(fop)}`]);
const wrap =
  <T>(parse: (fop: string) => ValidationResult<T>, make: (v: T) => Op) =>
  (fop: string): ValidationResult<Op> => {
    const r = parse(fop);
    return r.ok ? valid(make(r.value)) : r;
  };

/** IMAGE_COMMANDS: the one name→parser table of image commands. */
export const IMAGE_COMMANDS: Readonly<Record<string, (fop: string) => ValidationResult<Op>>> = {
  imageView2: wrap(parseImageView2, (value) => ({ $case: 'imageView2', value })),
  imageView: wrap(parseImageView2, (value) => ({ $case: 'imageView2', value })),
  imageMogr2: wrap(parseImageMogr2, (value) => ({ $case: 'imageMogr2', value })),
  watermark: wrap(parseWatermark, (value) => ({ $case: 'watermark', value })),
  imageInfo: bare('imageInfo', () => ({ $case: 'imageInfo', value: {} })),
  exif: bare('exif', () => ({ $case: 'exif', value: {} })),
  imageAve: bare('imageAve', () => ({ $case: 'imageAve', value: {} })),
};

/** commandName is the first "/" segment of one command ("imageView2/1/w/2" → "imageView2"). */
export const commandName = (fop: string): string => fop.split('/')[0];

/** checkStagePlace adds an error when a JSON stage stands where Qiniu refuses it. */
function checkStagePlace(op: Op, i: number, count: number, prefix: string, errors: string[]): void {
  if (op.$case === 'imageInfo' && i !== count - 1) errors.push(`${prefix}imageInfo: must be the last stage`);
  if ((op.$case === 'exif' || op.$case === 'imageAve') && count > 1) errors.push(`${prefix}${op.$case}: must be the only stage (it reads the original image)`);
}

const stagePrefix = (i: number, count: number) => (count > 1 ? `stage ${i + 1}: ` : '');

/** parseImagePipeline parses `op1|op2|...`; errors are prefixed with the stage number when there are several. */
export function parseImagePipeline(fop: string): ValidationResult<ImageOperation[]> {
  const stages = fop.split('|');
  if (fop.trim() === '') return invalid(['empty operation: expected a command such as imageView2/2/w/200']);
  const errors: string[] = [];
  const ops: ImageOperation[] = [];
  stages.forEach((stage, i) => {
    const prefix = stagePrefix(i, stages.length);
    const name = commandName(stage);
    const parse = Object.prototype.hasOwnProperty.call(IMAGE_COMMANDS, name) ? IMAGE_COMMANDS[name] : undefined;
    if (!parse) {
      errors.push(`${prefix}unknown image command ${JSON.stringify(name)} (expected ${Object.keys(IMAGE_COMMANDS).join(', ')})`);
      return;
    }
    const r = parse(stage);
    if (!r.ok) errors.push(...r.errors.map((e) => prefix + e));
    else {
      ops.push({ op: r.value });
      checkStagePlace(r.value, i, stages.length, prefix, errors);
    }
  });
  return errors.length ? invalid(errors) : valid(ops);
}

/** validateOp holds one typed operation to the rules of its URL form. */
function validateOp(op: Op): ValidationResult<unknown> {
  switch (op.$case) {
    case 'imageView2':
      return validateImageView2(op.value);
    case 'imageMogr2':
      return validateImageMogr2(op.value);
    case 'watermark':
      return validateWatermark(op.value);
    default:
      return valid(op.value);
  }
}

/**
 * validateImagePipeline checks typed operations (a gRPC caller's ProcessRequest.operations)
 * against every rule the URL parser applies, with the same messages, and returns them as
 * they are: a typed request is never written out and parsed again.
 */
export function validateImagePipeline(ops: readonly ImageOperation[]): ValidationResult<ImageOperation[]> {
  if (!ops.length) return invalid(['no operations: give fop or operations']);
  const errors: string[] = [];
  ops.forEach(({ op }, i) => {
    const prefix = stagePrefix(i, ops.length);
    if (!op) return void errors.push(`${prefix}operation not set`);
    const r = validateOp(op);
    if (!r.ok) errors.push(...r.errors.map((e) => prefix + e));
    checkStagePlace(op, i, ops.length, prefix, errors);
  });
  return errors.length ? invalid(errors) : valid([...ops]);
}

/** formatImageOperation writes one operation in URL syntax. */
export function formatImageOperation(op: ImageOperation): string {
  switch (op.op?.$case) {
    case 'imageView2':
      return formatImageView2(op.op.value);
    case 'imageMogr2':
      return formatImageMogr2(op.op.value);
    case 'watermark':
      return formatWatermark(op.op.value);
    case 'imageInfo':
      return 'imageInfo';
    case 'exif':
      return 'exif';
    case 'imageAve':
      return 'imageAve';
    default:
      return '';
  }
}

/** formatImagePipeline writes operations as `op1|op2|...` (parseImagePipeline's inverse). */
export function formatImagePipeline(ops: readonly ImageOperation[]): string {
  return ops.map(formatImageOperation).join('|');
}
