/**
 * effectiveQuality: Qiniu's JPEG quality rule. Default 75; "!" forces the value. Otherwise,
 * for JPEG → JPEG, q = min(requested, corrected) where corrected =
 * min(90, srcQ·sqrt(srcArea/dstArea)), and the 90 cap is dropped when srcQ > 90.
 */
export interface QualityInput {
  /** Requested value; undefined = the default. */
  readonly requested?: number;
  readonly force?: boolean;
  /** The default when none is requested (75; imageView v1: 85). */
  readonly fallback: number;
  /** Estimated quality of a JPEG source; undefined for other sources. */
  readonly sourceQuality?: number;
  readonly sourceArea: number;
  readonly outputArea: number;
  /** Whether the output is JPEG (the correction only applies to JPEG → JPEG). */
  readonly jpegOutput: boolean;
}

/** effectiveQuality returns the encoder quality 1..100. */
export function effectiveQuality(q: QualityInput): number {
  const requested = q.requested ?? q.fallback;
  if (q.force || !q.jpegOutput || q.sourceQuality === undefined || q.outputArea <= 0) return requested;
  const scaled = q.sourceQuality * Math.sqrt(q.sourceArea / q.outputArea);
  const corrected = q.sourceQuality > 90 ? scaled : Math.min(90, scaled);
  return Math.max(1, Math.min(100, Math.round(Math.min(requested, corrected))));
}
