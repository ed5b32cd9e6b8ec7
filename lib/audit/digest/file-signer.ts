/**
 * Signer adapter on a PEM key file (the local stage: `.local/audit-digest/signing-key.pem`,
 * gitignored). The key is generated on first use, written once with mode 0600, and never
 * logged or returned: only its public half leaves this module.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertP256, type DigestSigner, digestPublicKey } from './signer.js';

export function makeFileSigner(keyFile: string): DigestSigner {
  let key: KeyObject | undefined;
  const privateKey = () => {
    key ??= loadOrCreate(keyFile);
    return key;
  };
  return {
    publicKey: async () =>
      digestPublicKey(createPublicKey(privateKey()).export({ format: 'pem', type: 'spki' }).toString()),
    sign: async (message) => sign('sha256', message, { key: privateKey(), dsaEncoding: 'der' }),
  };
}

function loadOrCreate(keyFile: string): KeyObject {
  try {
    return checked(createPrivateKey(readFileSync(keyFile, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  try {
    // 'wx': two processes starting at once (the API and `npm run audit:seal`) keep one key.
    writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { flag: 'wx', mode: 0o600 });
    return privateKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return checked(createPrivateKey(readFileSync(keyFile, 'utf8')));
  }
}

function checked(key: KeyObject): KeyObject {
  assertP256(key);
  return key;
}
