/**
 * SecurityChecker: every authentication decision of the gateway, built from validated
 * config (imgproxy's security.Checker shape). Signatures and tokens are compared in
 * constant time; several signing keys are live at once so keys can rotate.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { unauthenticated } from './errors';
import { signatureOf, splitSignedUrl, type SigningKey } from './signing';

export interface SecurityOptions {
  readonly adminToken: string;
  readonly signingKeys: readonly SigningKey[];
  /** Unix seconds now (tests pin the clock). */
  readonly now?: () => number;
}

/** SecurityChecker checks admin tokens and signed URLs. */
export class SecurityChecker {
  private readonly keys: ReadonlyMap<string, string>;
  private readonly adminDigest?: Buffer;
  private readonly now: () => number;

  constructor(opts: SecurityOptions) {
    this.keys = new Map(opts.signingKeys.map((k) => [k.accessKey, k.secretKey]));
    // Compare digests, so the comparison takes the same time whatever the lengths.
    this.adminDigest = opts.adminToken ? digest(opts.adminToken) : undefined;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** checkAdmin accepts "Authorization: Bearer <MEDIAMESH_ADMIN_TOKEN>" and throws 401 otherwise. */
  checkAdmin(authorization: string | undefined): void {
    if (!this.adminDigest) throw unauthenticated('management is disabled: MEDIAMESH_ADMIN_TOKEN is not set');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) throw unauthenticated('missing bearer token (Authorization: Bearer <token>)');
    if (!timingSafeEqual(digest(m[1]), this.adminDigest)) throw unauthenticated('bad bearer token');
  }

  /** verifySignedUrl checks e= and token= of a full URL (scheme and host included); throws 401. */
  verifySignedUrl(fullUrl: string): void {
    const parts = splitSignedUrl(fullUrl);
    if (!parts) throw unauthenticated('download token auth failed: this bucket is private and the URL carries no token');
    if (!Number.isFinite(parts.deadline)) throw unauthenticated('download token auth failed: missing or malformed e=<deadline> before token=');
    const secret = this.keys.get(parts.accessKey);
    if (secret === undefined) throw unauthenticated('download token auth failed: unknown access key');
    const expected = Buffer.from(signatureOf(secret, parts.signed));
    const given = Buffer.from(parts.signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw unauthenticated('download token auth failed: bad signature');
    // Checked after the signature so a tampered deadline reads as tampering, not expiry.
    if (parts.deadline < this.now()) throw unauthenticated('download token auth failed: the URL expired');
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
