/**
 * Signer adapter on an asymmetric AWS KMS key (ECC_NIST_P256, SIGN_VERIFY). The private
 * key never leaves KMS; only the digest function's role may call kms:Sign on it. The
 * public key is read once per cold start and checked to be P-256.
 */
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { withTimeout } from '../../budget.js';
import { SIGNING_ALGORITHM } from './digest.js';
import { type DigestPublicKey, type DigestSigner, digestPublicKey } from './signer.js';

export interface KmsSignerOptions {
  client: KMSClient;
  /** Key id or ARN (not a secret: it names the key, the key stays in KMS). */
  keyId: string;
  timeoutMs: number;
}

export function makeKmsSigner({ client, keyId, timeoutMs }: KmsSignerOptions): DigestSigner {
  let publicKey: Promise<DigestPublicKey> | undefined;
  const loadPublicKey = async () => {
    const output = await withTimeout(timeoutMs, (abortSignal) =>
      client.send(new GetPublicKeyCommand({ KeyId: keyId }), { abortSignal }),
    );
    if (output.KeySpec !== 'ECC_NIST_P256' || !output.SigningAlgorithms?.includes(SIGNING_ALGORITHM)) {
      throw new Error(`KMS key ${keyId} is not an ECC_NIST_P256 signing key`);
    }
    if (!output.PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
    return digestPublicKey(output.PublicKey);
  };
  return {
    publicKey() {
      // A failed read is not cached: the next call asks KMS again.
      publicKey ??= loadPublicKey().catch((error: unknown) => {
        publicKey = undefined;
        throw error;
      });
      return publicKey;
    },
    async sign(message) {
      const output = await withTimeout(timeoutMs, (abortSignal) =>
        client.send(
          new SignCommand({
            KeyId: keyId,
            Message: message,
            MessageType: 'RAW',
            SigningAlgorithm: SIGNING_ALGORITHM,
          }),
          { abortSignal },
        ),
      );
      if (!output.Signature) throw new Error(`KMS returned no signature for ${keyId}`);
      return output.Signature;
    },
  };
}
