/**
 * The local stage authenticates route by route exactly as the deployed API: AWS_IAM routes
 * take SigV4 only (scope: the broker's region and execute-api), `/v1/oidc/…` routes take
 * bearer JWTs only, and refusal reasons are stable codes that survive minification.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JSONWebKeySet } from 'jose';
import { signRequest } from '../../../lib/client/signed-fetch.js';
import { BrokerError } from '../../../lib/errors.js';
import type { HttpEvent } from '../../../lib/http/handler.js';
import { makeLocalAuthenticate } from '../../../local/auth/local-authenticate.js';
import {
  ensureLocalIssuer,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  signLocalToken,
} from '../../../local/jwt-issuer.js';
import { buildEvent } from '../../support/lambda.js';

const HOST = '127.0.0.1:3000';
const BROKER_REGION = 'us-east-1';
const identity = {
  principalArn: 'arn:aws:iam::111111111111:role/rotation-job',
  accessKeyId: 'AKIALOCALROUTES00001',
  secretAccessKey: 'cm91dGUtdGVzdHMtb25seS1ub3QtYS1yZWFsLWtleQ',
};

let dir: string;
let privateKeyFile: string;
let jwks: JSONWebKeySet;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'local-auth-routes-'));
  const files = await ensureLocalIssuer(dir);
  privateKeyFile = files.privateKeyFile;
  jwks = JSON.parse(readFileSync(files.jwksFile, 'utf8')) as JSONWebKeySet;
});
after(() => rmSync(dir, { recursive: true, force: true }));

const authenticate = () =>
  makeLocalAuthenticate({
    identities: [identity],
    allowedHosts: [HOST],
    region: BROKER_REGION,
    jwt: { jwks, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE },
  });

/** As serverless-offline hands it over on the local stage: no authorizer, the headers as sent. */
const event = (path: string, headers: Record<string, string>, body: string) =>
  buildEvent({
    path,
    rawBody: body,
    headers: { host: HOST, ...headers },
    recordedHeaders: false,
    authorizer: null,
  });

async function sigv4Event(path: string, region = BROKER_REGION) {
  const body = '{"grant":"reports-reader"}';
  const headers = await signRequest(`http://${HOST}${path}`, { method: 'POST', body, region }, identity);
  return event(path, headers, body);
}

async function bearerEvent(path: string) {
  const token = await signLocalToken(privateKeyFile, { subject: 'rotation-job' });
  return event(path, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, '{}');
}

/** The 401 and the reason the log gets (never shown to the caller). */
async function refusalReason(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    assert.ok(error instanceof BrokerError, 'expected a BrokerError');
    assert.equal(error.status, 401);
    return error.internalReason ?? '';
  }
  assert.fail('expected the request to be refused');
}

describe('local authentication per route, as deployed', () => {
  it('accepts SigV4 on an IAM route and a bearer JWT on its /oidc/ twin', async () => {
    // Act
    const aws = await authenticate()(await sigv4Event('/v1/credentials'));
    const oidc = await authenticate()(await bearerEvent('/v1/oidc/credentials'));
    // Assess
    assert.equal(aws.key, 'aws:111111111111:role/rotation-job');
    assert.equal(oidc.key, `oidc:${LOCAL_ISSUER}#rotation-job`);
  });

  it('refuses a bearer JWT on an IAM route', async () => {
    // Act
    const reason = await refusalReason(authenticate()(await bearerEvent('/v1/credentials')));
    // Assess
    assert.match(reason, /^sigv4: bearer token on a SigV4 route$/);
  });

  it('refuses a SigV4 request on an /oidc/ route', async () => {
    // Act
    const reason = await refusalReason(authenticate()(await sigv4Event('/v1/oidc/credentials')));
    // Assess
    assert.match(reason, /^jwt: missing bearer token/);
  });

  it('refuses a SigV4 request whose credential scope names another region', async () => {
    // Act
    const reason = await refusalReason(authenticate()(await sigv4Event('/v1/credentials', 'eu-west-1')));
    // Assess
    assert.match(reason, /scope_mismatch/);
    assert.match(reason, /eu-west-1/);
  });

  it('verifies a SigV4 GET with its query string, and reads a missing method or query as GET and none', async () => {
    // Prepare: API Gateway always sends both; the verifier's defaults must still be what was signed.
    const headers = await signRequest(`http://${HOST}/v1/grants?limit=5`, { method: 'GET' }, identity);
    const withQuery = buildEvent({
      method: 'GET',
      path: '/v1/grants',
      queryStringParameters: { limit: '5' },
      headers,
      recordedHeaders: false,
      authorizer: null,
    });
    const bare = await signRequest(`http://${HOST}/v1/grants`, { method: 'GET' }, identity);
    const noMethodNoQuery = buildEvent({
      path: '/v1/grants',
      headers: bare,
      recordedHeaders: false,
      authorizer: null,
    });
    const { http: _http, ...contextWithoutHttp } = noMethodNoQuery.requestContext;
    const { rawQueryString: _query, ...withoutQuery } = noMethodNoQuery;
    const noHttp = { ...withoutQuery, requestContext: contextWithoutHttp } as unknown as HttpEvent;
    const noContext = { ...withoutQuery, requestContext: undefined } as unknown as HttpEvent;
    // Act
    const callers = await Promise.all(
      [withQuery, noHttp, noContext].map((request) => authenticate()(request)),
    );
    const queryChanged = await refusalReason(authenticate()({ ...withQuery, rawQueryString: 'limit=500' }));
    const queryDropped = await refusalReason(authenticate()({ ...withQuery, rawQueryString: '' }));
    // Assess
    for (const caller of callers) assert.equal(caller.key, 'aws:111111111111:role/rotation-job');
    assert.match(queryChanged, /^sigv4 signature_mismatch/);
    assert.match(queryDropped, /^sigv4 signature_mismatch/);
  });

  it('refuses a validly signed request of a dev identity that is no role, user or assumed-role ARN', async () => {
    // Prepare
    const group = { ...identity, principalArn: 'arn:aws:iam::111111111111:group/rotation-jobs' };
    const body = '{"grant":"reports-reader"}';
    const headers = await signRequest(`http://${HOST}/v1/credentials`, { method: 'POST', body }, group);
    const withGroup = makeLocalAuthenticate({
      identities: [group],
      allowedHosts: [HOST],
      region: BROKER_REGION,
    });
    // Act
    const reason = await refusalReason(withGroup(event('/v1/credentials', headers, body)));
    // Assess
    assert.equal(reason, 'dev identity is not a role, user or assumed-role ARN');
  });

  it('names a JWT failure by the library error code, not a class name minification can rename', async () => {
    // Prepare
    const expired = await signLocalToken(privateKeyFile, {
      subject: 's',
      ttlSeconds: -120,
      notBefore: Math.floor(Date.now() / 1000) - 600,
    });
    const request = event('/v1/oidc/credentials', { authorization: `Bearer ${expired}` }, '{}');
    // Act
    const reason = await refusalReason(authenticate()(request));
    // Assess
    assert.equal(reason, 'jwt: ERR_JWT_EXPIRED');
  });
});
