/**
 * The signer port of the digest chain, and signature checks that need nothing but the
 * public key (an auditor verifies without any access to the signer). ECDSA on P-256 with
 * SHA-256, DER-encoded signatures: what AWS KMS returns for ECC_NIST_P256 / ECDSA_SHA_256,
 * and what `openssl dgst -sha256 -verify` reads.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { DigestPublicKeyBody } from '../../contracts/audit-evidence.js';
import { sha256Hex } from './canonical.js';
import { SIGNING_ALGORITHM } from './digest.js';

/** The key as GET /v1/audit/public-key answers it (lib/contracts/audit-evidence.ts). */
export type DigestPublicKey = DigestPublicKeyBody;

/** Port: signs digests. Adapters: a PEM key file (local stage) and AWS KMS (deployed). */
export interface DigestSigner {
  publicKey(): Promise<DigestPublicKey>;
  /** ECDSA P-256 / SHA-256 over `message`, DER-encoded. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Reads an SPKI (DER or PEM) and refuses anything but a P-256 public key. */
export function digestPublicKey(spki: Uint8Array | string): DigestPublicKey {
  const key =
    typeof spki === 'string'
      ? createPublicKey(spki)
      : createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  assertP256(key);
  const der = key.export({ format: 'der', type: 'spki' });
  return {
    keyId: sha256Hex(der),
    algorithm: SIGNING_ALGORITHM,
    pem: key.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

export function verifySignature(
  publicKey: DigestPublicKey,
  message: string,
  signatureBase64: string,
): boolean {
  try {
    return verify(
      'sha256',
      Buffer.from(message, 'utf8'),
      { key: createPublicKey(publicKey.pem), dsaEncoding: 'der' },
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    // A malformed signature is a bad signature, not a crash of the verifier.
    return false;
  }
}

export function assertP256(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the digest key must be an ECDSA P-256 key');
  }
}
