/**
 * Invariant 3 on the local stage: JWT issuer, audience, expiry, not-before and signature are
 * all checked; `alg: none` and HS/RS confusion are refused. Plus the SigV4 path's host check.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { BrokerError } from '../../../lib/errors.js';
import { makeLocalAuthenticate } from '../../../local/auth/local-authenticate.js';
import {
  ensureLocalIssuer,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  signLocalToken,
} from '../../../local/jwt-issuer.js';
import { buildEvent } from '../../support/lambda.js';

let dir: string;
let privateKeyFile: string;
let jwks: JSONWebKeySet;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'local-auth-'));
  const files = await ensureLocalIssuer(dir);
  privateKeyFile = files.privateKeyFile;
  jwks = JSON.parse(readFileSync(files.jwksFile, 'utf8')) as JSONWebKeySet;
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** As serverless-offline hands it over on the local stage: no authorizer, the headers as sent. */
const bearer = (token: string) =>
  buildEvent({
    path: '/v1/oidc/credentials',
    rawBody: '{}',
    headers: { host: '127.0.0.1:3000', authorization: `Bearer ${token}` },
    recordedHeaders: false,
    authorizer: null,
  });

const authenticate = (keySet: JSONWebKeySet = jwks) =>
  makeLocalAuthenticate({
    identities: [],
    allowedHosts: ['127.0.0.1:3000'],
    region: 'us-east-1',
    jwt: { jwks: keySet, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE },
  });

const refused = (error: unknown) => error instanceof BrokerError && error.status === 401;

describe('local JWT verification', () => {
  it('accepts a token of the local issuer and names the OIDC caller', async () => {
    // Prepare
    const token = await signLocalToken(privateKeyFile, { subject: 'rotation-job' });
    // Act
    const caller = await authenticate()(bearer(token));
    // Assess
    assert.equal(caller.key, `oidc:${LOCAL_ISSUER}#rotation-job`);
  });

  it('refuses wrong issuer, wrong audience, expired and not-yet-valid tokens', async () => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const tokens = await Promise.all([
      signLocalToken(privateKeyFile, { subject: 's', issuer: 'https://evil.example.com' }),
      signLocalToken(privateKeyFile, { subject: 's', audience: 'other' }),
      signLocalToken(privateKeyFile, { subject: 's', ttlSeconds: -120, notBefore: now - 600 }),
      signLocalToken(privateKeyFile, { subject: 's', notBefore: now + 600, ttlSeconds: 1200 }),
    ]);
    // Act / Assess
    for (const token of tokens) await assert.rejects(authenticate()(bearer(token)), refused);
  });

  it('refuses alg none and an HS256 token keyed with the public key (algorithm confusion)', async () => {
    // Prepare
    const claims = {
      sub: 'rotation-job',
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: jwks.keys[0]?.kid })
      .sign(publicKeyBytes);
    // Act / Assess
    await assert.rejects(authenticate()(bearer(none)), refused);
    await assert.rejects(authenticate()(bearer(confused)), refused);
  });

  it('refuses a validly signed token of any algorithm but ES256, even with its key in the key set', async () => {
    // Prepare: an issuer's key set may publish keys of other algorithms; only ES256 may verify.
    const claims = { sub: 'rotation-job', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE };
    const algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES384', 'ES512', 'EdDSA'];
    const signed = await Promise.all(
      algorithms.map(async (alg) => {
        const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
        const key = { ...(await exportJWK(publicKey)), kid: `other-${alg}`, alg, use: 'sig' };
        const token = await new SignJWT(claims)
          .setProtectedHeader({ alg, kid: key.kid })
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(privateKey);
        return { alg, key, token };
      }),
    );
    const withOtherKeys = authenticate({ keys: [...jwks.keys, ...signed.map((s) => s.key)] });
    // Act / Assess
    const accepted = await withOtherKeys(
      bearer(await signLocalToken(privateKeyFile, { subject: 'rotation-job' })),
    );
    assert.equal(accepted.key, `oidc:${LOCAL_ISSUER}#rotation-job`, 'the ES256 key still verifies');
    for (const { alg, token } of signed) {
      await assert.rejects(withOtherKeys(bearer(token)), refused, `${alg} must be refused`);
    }
  });

  it('refuses an ES256 token of the local issuer that lacks exp, iss, aud or sub', async () => {
    // Prepare
    const jwk = JSON.parse(readFileSync(privateKeyFile, 'utf8')) as JWK & { kid: string };
    const key = await importJWK(jwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const complete = {
      sub: 'rotation-job',
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
      iat: now,
      exp: now + 600,
    };
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).sign(key);
    const without = (claim: keyof typeof complete) => {
      const { [claim]: _dropped, ...rest } = complete;
      return rest;
    };
    // Act / Assess
    assert.equal(
      (await authenticate()(bearer(await sign(complete)))).key,
      `oidc:${LOCAL_ISSUER}#rotation-job`,
    );
    for (const claim of ['exp', 'iss', 'aud', 'sub'] as const) {
      await assert.rejects(
        authenticate()(bearer(await sign(without(claim)))),
        refused,
        `no ${claim} must be refused`,
      );
    }
  });

  it('refuses a token whose signature was altered', async () => {
    // Prepare
    const token = await signLocalToken(privateKeyFile, { subject: 'rotation-job' });
    const [header, payload] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), sub: 'admin' }),
    ).toString('base64url');
    // Act / Assess
    await assert.rejects(
      authenticate()(bearer(`${header}.${forgedPayload}.${token.split('.')[2]}`)),
      refused,
    );
  });

  it('refuses a request addressed to another host before looking at credentials', async () => {
    // Prepare
    const token = await signLocalToken(privateKeyFile, { subject: 'rotation-job' });
    const event = bearer(token);
    event.headers.host = 'broker.other.example.com';
    // Act / Assess
    await assert.rejects(authenticate()(event), (error: unknown) => {
      assert.ok(refused(error));
      assert.equal((error as BrokerError).internalReason, 'request addressed to another host');
      return true;
    });
  });

  it('refuses a bearer token when no local issuer is configured', async () => {
    // Prepare
    const token = await signLocalToken(privateKeyFile, { subject: 'rotation-job' });
    const withoutIssuer = makeLocalAuthenticate({
      identities: [],
      allowedHosts: ['127.0.0.1:3000'],
      region: 'us-east-1',
    });
    // Act / Assess
    await assert.rejects(withoutIssuer(bearer(token)), (error: unknown) => {
      assert.ok(refused(error));
      assert.equal((error as BrokerError).internalReason, 'jwt: no local issuer configured');
      return true;
    });
  });
});
