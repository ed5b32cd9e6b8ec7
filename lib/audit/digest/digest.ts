/**
 * A digest seals one window of audit records. Its payload is stored and signed as
 * canonical JSON text (RFC 8785): the signature covers exactly these bytes, and the next
 * digest chains to their SHA-256, so deleting, reordering or rewriting a digest breaks
 * either its signature or the link from its successor.
 */
import * as z from 'zod';
import { canonicalJson, sha256Hex } from './canonical.js';

export const SIGNING_ALGORITHM = 'ECDSA_SHA_256';
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const instant = z.iso.datetime();

export const digestPayloadSchema = z.strictObject({
  version: z.literal(1),
  windowStart: instant,
  windowEnd: instant,
  recordCount: z.number().int().min(0),
  /** SHA-256 of the window's leaf lines ("{id} {sha256}\n", sorted by id). */
  leavesSha256: sha256,
  /** SHA-256 of the previous digest's payload text; null only for the first digest. */
  previousDigestSha256: sha256.nullable(),
  /**
   * First digest of a chain only: the sealer found no record from this instant up to
   * windowStart, so a record found there later was inserted after sealing began.
   */
  emptySince: instant.nullable(),
  sealedAt: instant,
  keyId: z.string().min(1).max(128),
  signingAlgorithm: z.literal(SIGNING_ALGORITHM),
});

export type DigestPayload = z.infer<typeof digestPayloadSchema>;

/** A digest as stored and served: payload text, its signature, and the window's leaf lines. */
export interface SealedDigest {
  /** Canonical JSON of the DigestPayload: the signed bytes (UTF-8). */
  payload: string;
  /** DER-encoded ECDSA P-256 signature over the payload, base64. */
  signature: string;
  /** "{id} {sha256}" per record, sorted by id. */
  leaves: string[];
}

export const payloadText = (payload: DigestPayload): string => canonicalJson(payload);

/** The value the next digest names as previousDigestSha256. */
export const digestSha256 = (digest: Pick<SealedDigest, 'payload'>): string => sha256Hex(digest.payload);

/** The payload, when the text is a well-formed payload in canonical form; undefined otherwise. */
export function readPayload(text: string): DigestPayload | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const payload = digestPayloadSchema.safeParse(parsed);
  // Non-canonical text would let two byte strings stand for one payload.
  return payload.success && canonicalJson(payload.data) === text ? payload.data : undefined;
}
