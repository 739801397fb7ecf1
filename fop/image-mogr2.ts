/**
 * imageMogr2 ⇄ ImageMogr2: `imageMogr2/auto-orient/thumbnail/<geom>/strip/gravity/<G>/crop/<geom>/...`.
 * Parameters are kept in URL order (Qiniu applies them in that order). One table maps
 * each URL name to its parser; the writer below is its inverse, keyed by the step's case.
 */
import type { ImageMogr2, Mogr2Step } from '../generated/mediamesh/image/v1/operations';
import { encodeUrlSafeBase64 } from './base64';
import { checkBlur, checkBorder, checkCrop, checkExtent, checkThumbnail, formatCrop, formatExtent, formatThumbnail, parseBlur, parseBorder, parseCrop, parseExtent, parseThumbnail } from './mogr2-geometry';
import { formatName, isKnownImageFormat } from './image-formats';
import {
  checkByteSize,
  checkColour,
  checkGravity,
  checkIntInRange,
  checkQuality,
  gravityName,
  parseByteSize,
  parseColour,
  parseFlag,
  parseFormat,
  parseGravity,
  parseIntInRange,
  parseQuality,
} from './params';
import { splitSegments } from './segments';
import { collect, ParamError, invalid, valid, type ValidationResult } from './validation';

type Step = NonNullable<Mogr2Step['step']>;

/** A flag parameter (no value) or a valued one; "ignore-error" is handled beside the table. */
type Mogr2Option = { readonly flag: true; readonly step: () => Step } | { readonly flag: false; readonly parse: (raw: string) => Step | undefined };

const flag = (step: () => Step): Mogr2Option => ({ flag: true, step });
const valued = (parse: (raw: string) => Step | undefined): Mogr2Option => ({ flag: false, parse });

/** The one name→apply table of imageMogr2 parameters. */
const MOGR2_OPTIONS: Readonly<Record<string, Mogr2Option>> = {
  'auto-orient': flag(() => ({ $case: 'autoOrient', value: true })),
  strip: flag(() => ({ $case: 'strip', value: true })),
  thumbnail: valued((raw) => ({ $case: 'thumbnail', value: parseThumbnail(raw) })),
  gravity: valued((raw) => ({ $case: 'gravity', value: parseGravity(raw) })),
  crop: valued((raw) => ({ $case: 'crop', value: parseCrop(raw) })),
  rotate: valued((raw) => ({ $case: 'rotate', value: parseIntInRange(raw, 1, 360) })),
  format: valued((raw) => ({ $case: 'format', value: parseFormat(raw) })),
  blur: valued((raw) => ({ $case: 'blur', value: parseBlur(raw) })),
  quality: valued((raw) => ({ $case: 'quality', value: parseQuality(raw) })),
  interlace: valued((raw) => ({ $case: 'interlace', value: parseFlag(raw) })),
  'size-limit': valued((raw) => ({ $case: 'sizeLimit', value: parseSizeLimit(raw) })),
  background: valued((raw) => ({ $case: 'background', value: parseColour(raw) })),
  extent: valued((raw) => ({ $case: 'extent', value: parseExtent(raw) })),
  border: valued((raw) => ({ $case: 'border', value: parseBorder(raw) })),
  bordercolor: valued((raw) => ({ $case: 'borderColor', value: parseColour(raw) })),
  // "sharpen/0" is a no-op, so it leaves no step.
  sharpen: valued((raw) => (parseFlag(raw) ? { $case: 'sharpen', value: true } : undefined)),
  density: valued((raw) => ({ $case: 'density', value: parseIntInRange(raw, 1, 1200) })),
  colors: valued((raw) => ({ $case: 'colors', value: parseIntInRange(raw, 2, 256) })),
};

function parseSizeLimit(raw: string) {
  if (raw.startsWith('$(')) throw new ParamError(`magic variables such as ${JSON.stringify(raw)} are not supported; give a size such as 15k`);
  const force = raw.endsWith('!');
  return { bytes: parseByteSize(force ? raw.slice(0, -1) : raw), force };
}

/** parseImageMogr2 parses one `imageMogr2/...` command, collecting every bad parameter. */
export function parseImageMogr2(fop: string): ValidationResult<ImageMogr2> {
  const errors: string[] = [];
  const segments = splitSegments(fop, errors, 'imageMogr2').slice(1);
  const out: ImageMogr2 = { steps: [], ignoreError: false };
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i];
    if (name === 'ignore-error') {
      const raw = segments[++i];
      if (raw === undefined) errors.push('imageMogr2: ignore-error: missing value');
      else collect(errors, 'imageMogr2: ignore-error', () => (out.ignoreError = parseFlag(raw)));
      continue;
    }
    const option = Object.prototype.hasOwnProperty.call(MOGR2_OPTIONS, name) ? MOGR2_OPTIONS[name] : undefined;
    if (!option) {
      errors.push(`imageMogr2: unknown parameter ${JSON.stringify(name)}`);
      continue;
    }
    if (option.flag) {
      out.steps.push({ step: option.step() });
      continue;
    }
    const raw = segments[++i];
    if (raw === undefined) {
      errors.push(`imageMogr2: ${name}: missing value`);
      continue;
    }
    collect(errors, `imageMogr2: ${name}`, () => {
      const step = option.parse(raw);
      if (step) out.steps.push({ step });
    });
  }
  if (!out.steps.length && !errors.length) errors.push('imageMogr2: no parameters given');
  return errors.length ? invalid(errors) : valid(out);
}

/** writeStep is the inverse of the table: one step as its URL segments. */
function writeStep(step: Step): string[] {
  switch (step.$case) {
    case 'autoOrient':
      return ['auto-orient'];
    case 'strip':
      return ['strip'];
    case 'thumbnail':
      return ['thumbnail', formatThumbnail(step.value)];
    case 'gravity':
      return ['gravity', gravityName(step.value)];
    case 'crop':
      return ['crop', formatCrop(step.value)];
    case 'rotate':
      return ['rotate', String(step.value)];
    case 'format':
      return ['format', formatName(step.value) || 'copy'];
    case 'blur':
      return ['blur', `${step.value.radius}x${step.value.sigma}`];
    case 'quality':
      return ['quality', `${step.value.value}${step.value.force ? '!' : ''}`];
    case 'interlace':
      return ['interlace', step.value ? '1' : '0'];
    case 'sizeLimit':
      return ['size-limit', `${step.value.bytes}${step.value.force ? '!' : ''}`];
    case 'background':
      return ['background', encodeUrlSafeBase64(step.value)];
    case 'extent':
      return ['extent', formatExtent(step.value)];
    case 'border':
      return ['border', `${step.value.width}x${step.value.height}`];
    case 'borderColor':
      return ['bordercolor', encodeUrlSafeBase64(step.value)];
    case 'sharpen':
      return ['sharpen', '1'];
    case 'density':
      return ['density', String(step.value)];
    case 'colors':
      return ['colors', String(step.value)];
  }
}

/**
 * STEP_CHECKS: the rules of each typed step (a gRPC caller's), the same checks the URL
 * parsers end in. Flags (auto-orient, strip, sharpen, interlace) have nothing to check.
 */
const STEP_CHECKS: { readonly [C in Step['$case']]?: (value: Extract<Step, { $case: C }>['value']) => unknown } = {
  thumbnail: (v) => checkThumbnail(v),
  gravity: (v) => checkGravity(v),
  crop: (v) => checkCrop(v),
  rotate: (v) => checkIntInRange(v, 1, 360),
  format: (v) => {
    if (!isKnownImageFormat(v)) throw new ParamError(`unknown output format ${v}`);
  },
  blur: (v) => checkBlur(v),
  quality: (v) => checkQuality(v),
  sizeLimit: (v) => checkByteSize(v.bytes),
  background: (v) => checkColour(v),
  extent: (v) => checkExtent(v),
  border: (v) => checkBorder(v),
  borderColor: (v) => checkColour(v),
  density: (v) => checkIntInRange(v, 1, 1200),
  colors: (v) => checkIntInRange(v, 2, 256),
};

/** validateImageMogr2 holds a typed ImageMogr2 to the rules of its URL form, with the same messages. */
export function validateImageMogr2(m: ImageMogr2): ValidationResult<ImageMogr2> {
  const errors: string[] = [];
  if (!m.steps.length) errors.push('imageMogr2: no parameters given');
  m.steps.forEach(({ step }, i) => {
    if (!step) return void errors.push(`imageMogr2: steps[${i}]: no parameter set`);
    const check = STEP_CHECKS[step.$case] as ((value: unknown) => unknown) | undefined;
    if (check) collect(errors, `imageMogr2: ${writeStep(step)[0]}`, () => check(step.value));
  });
  return errors.length ? invalid(errors) : valid(m);
}

/** formatImageMogr2 writes the canonical URL form (parse(format(m)) equals m). */
export function formatImageMogr2(m: ImageMogr2): string {
  const out = ['imageMogr2'];
  for (const s of m.steps) if (s.step) out.push(...writeStep(s.step));
  if (m.ignoreError) out.push('ignore-error', '1');
  return out.join('/');
}
