/** CachedResult is a processed result as the gateway serves it (and keeps it, in either tier). */
export interface CachedResult {
  readonly data: Buffer;
  readonly contentType: string;
  /** The etag of the source it was made from. */
  readonly sourceEtag: string;
}
