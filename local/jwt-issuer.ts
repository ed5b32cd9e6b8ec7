/**
 * The local OIDC issuer: an ES256 key pair generated on first start under .local/ (never
 * committed), its public JWKS for the local-stage verifier, and token minting for
 * `npm run token -- <subject>` and the tests.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

export const LOCAL_ISSUER = 'http://127.0.0.1/local-issuer';
export const LOCAL_AUDIENCE = 'credential-broker';

export interface LocalIssuerFiles {
  jwksFile: string;
  privateKeyFile: string;
}

export async function ensureLocalIssuer(dir: string): Promise<LocalIssuerFiles> {
  const files = { jwksFile: join(dir, 'jwks.json'), privateKeyFile: join(dir, 'issuer-key.json') };
  if (existsSync(files.jwksFile) && existsSync(files.privateKeyFile)) return files;
  mkdirSync(dir, { recursive: true });
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `local-${Date.now()}`;
  writeFileSync(
    files.jwksFile,
    JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }),
  );
  writeFileSync(
    files.privateKeyFile,
    JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' }),
    {
      mode: 0o600,
    },
  );
  return files;
}

export async function signLocalToken(
  privateKeyFile: string,
  claims: { subject: string; issuer?: string; audience?: string; ttlSeconds?: number; notBefore?: number },
): Promise<string> {
  const jwk = JSON.parse(readFileSync(privateKeyFile, 'utf8')) as JWK & { kid: string };
  const key = await importJWK(jwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
    .setSubject(claims.subject)
    .setIssuer(claims.issuer ?? LOCAL_ISSUER)
    .setAudience(claims.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt(now)
    .setNotBefore(claims.notBefore ?? now)
    .setExpirationTime(now + (claims.ttlSeconds ?? 900))
    .sign(key);
}
