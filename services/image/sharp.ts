/**
 * sharp, typed for this CommonJS build. sharp 0.35's package.json "types" points at its ESM
 * declarations (no callable default export under moduleResolution "node"), while require()
 * returns the constructor function; this shim joins the two so the rest of the service can
 * `import { sharp } from '../sharp'` and use sharp's own types.
 */
import type * as SharpTypes from 'sharp';

export type { Metadata, OutputInfo, OverlayOptions, Sharp, SharpOptions } from 'sharp';

type SharpFactory = {
  (input?: SharpTypes.SharpInput | SharpTypes.SharpInput[], options?: SharpTypes.SharpOptions): SharpTypes.Sharp;
  (options?: SharpTypes.SharpOptions): SharpTypes.Sharp;
} & typeof SharpTypes;

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const sharp: SharpFactory = require('sharp');
