/**
 * `broker creds` with the default format (credential_process, AWS only) refuses a Volcengine
 * grant before anything is minted: it asks GET /v1/grants/mine first and never sends the
 * POST. Other formats mint at once, with no extra request.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../../cli/broker.js';
import { captureCliIo } from '../../support/cli-io.js';
import { answeringMyGrants, myGrantsBody, startStub, stopStub } from '../../support/stub-broker.js';

const TOS_ROLE = 'trn:iam::2100000002:role/tos-reader';
const REPORTS_ROLE = 'arn:aws:iam::222222222222:role/reports-read';
const MY_GRANTS = myGrantsBody([
  { id: 'reports-reader', provider: 'aws', role: REPORTS_ROLE },
  { id: 'tos-reader', provider: 'volcengine', role: TOS_ROLE },
]);

const issued = (provider: 'aws' | 'volcengine', roleArn: string) =>
  JSON.stringify({
    issuanceId: '01JCREDSPROVIDER',
    grant: 'some-grant',
    provider,
    roleArn,
    assumedRoleArn: `${roleArn}/session`,
    durationSeconds: 900,
    credentials: {
      accessKeyId: 'AKTPCREDSPROVIDER001',
      secretAccessKey: 'CREDSzzSECRET',
      sessionToken: 'CREDSzzTOKEN',
      expiration: '2030-01-01T00:15:00.000Z',
    },
  });

/** Runs `broker creds` against a stub broker that knows the caller's grants and mints anything. */
async function creds(args: string[], minted: { provider: 'aws' | 'volcengine'; role: string }) {
  const stub = await startStub(
    answeringMyGrants(MY_GRANTS, () => ({ status: 201, body: issued(minted.provider, minted.role) })),
  );
  const { io, cli } = captureCliIo();
  try {
    const code = await main(
      ['creds', '--local', '--as', 'reporting-service', '--endpoint', stub.url, ...args],
      cli,
    );
    return { code, io, requests: stub.requests.map((request) => `${request.method} ${request.url}`) };
  } finally {
    await stopStub(stub);
  }
}

describe('broker creds: credential_process for AWS grants only', () => {
  it('refuses a Volcengine grant before any issuance: only the grants are asked for', async () => {
    // Act
    const result = await creds(['--grant', 'tos-reader'], { provider: 'volcengine', role: TOS_ROLE });
    // Assess
    assert.equal(result.code, 1);
    assert.deepEqual(result.requests, ['GET /v1/grants/mine']);
    assert.equal(result.io.out, '');
    assert.match(
      result.io.err,
      /^broker: credential_process is the AWS SDKs' contract; volcengine credentials come as --format env or json \(unsupported_format\)\n/,
    );
  });

  it('refuses a Volcengine role TRN the same way', async () => {
    // Act
    const result = await creds(['--role-arn', TOS_ROLE], { provider: 'volcengine', role: TOS_ROLE });
    // Assess
    assert.equal(result.code, 1);
    assert.deepEqual(result.requests, ['GET /v1/grants/mine']);
  });

  it('mints an AWS grant after asking, and prints the credential_process document', async () => {
    // Act
    const result = await creds(['--grant', 'reports-reader'], { provider: 'aws', role: REPORTS_ROLE });
    // Assess
    assert.equal(result.code, 0, result.io.err);
    assert.deepEqual(result.requests, ['GET /v1/grants/mine', 'POST /v1/credentials']);
    assert.equal(JSON.parse(result.io.out).Version, 1);
  });

  it('leaves a grant it does not list to the broker (which refuses and records it)', async () => {
    // Act
    const result = await creds(['--grant', 'someone-elses'], { provider: 'aws', role: REPORTS_ROLE });
    // Assess
    assert.deepEqual(result.requests, ['GET /v1/grants/mine', 'POST /v1/credentials']);
  });

  it('still refuses Volcengine credentials when the answer names that provider (grants changed in between)', async () => {
    // Act: the list says AWS, the issuance answers Volcengine.
    const result = await creds(['--grant', 'reports-reader'], { provider: 'volcengine', role: TOS_ROLE });
    // Assess
    assert.equal(result.code, 1);
    assert.equal(result.io.out, '');
  });

  it('asks nothing first for --format env or json: one issuance request', async () => {
    // Act
    const env = await creds(['--grant', 'tos-reader', '--format', 'env'], {
      provider: 'volcengine',
      role: TOS_ROLE,
    });
    const json = await creds(['--grant', 'tos-reader', '--format', 'json'], {
      provider: 'volcengine',
      role: TOS_ROLE,
    });
    // Assess
    assert.deepEqual([env.code, json.code], [0, 0], env.io.err + json.io.err);
    assert.deepEqual([env.requests, json.requests], [['POST /v1/credentials'], ['POST /v1/credentials']]);
    assert.match(env.io.out, /^export VOLC_ACCESSKEY='AKTPCREDSPROVIDER001'$/m);
  });
});
