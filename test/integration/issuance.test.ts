/**
 * POST /v1/credentials end to end: real signed HTTP calls to serverless-offline, real STS
 * emulator, real dynalite. Each case checks the response and the audit trail it left.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { fromItem } from '../../lib/audit/dynamodb-store.js';
import { signedFetch, signRequest } from '../../lib/client/signed-fetch.js';
import { localDynamoClient } from '../../local/dynamodb.js';
import { signLocalToken } from '../../local/jwt-issuer.js';
import { devIdentity, type StackFixture, startStackFixture } from './stack-fixture.js';

let fixture: StackFixture;

before(async () => {
  fixture = await startStackFixture();
});
after(async () => {
  await fixture?.stop();
});

async function recordsOf(issuanceId: string) {
  const client = localDynamoClient(fixture.stack.dynamo.url, devIdentity('credential-broker-local'));
  const scan = await client.send(new ScanCommand({ TableName: fixture.stack.tableName }));
  return (scan.Items ?? []).map(fromItem).filter((r) => r.issuanceId === issuanceId);
}

async function allRecordsText() {
  const client = localDynamoClient(fixture.stack.dynamo.url, devIdentity('credential-broker-local'));
  const scan = await client.send(new ScanCommand({ TableName: fixture.stack.tableName }));
  return JSON.stringify(scan.Items ?? []);
}

async function problem(response: Response) {
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return (await response.json()) as {
    status: number;
    code: string;
    detail: string;
    errors?: { path: string }[];
  };
}

describe('POST /v1/credentials', () => {
  it('issues credentials for a granted role, attributed to the caller, after INTENT and ISSUED records', async () => {
    // Act
    const response = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'reports-reader',
    });
    // Assess
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as {
      issuanceId: string;
      assumedRoleArn: string;
      sourceIdentity: string;
      durationSeconds: number;
      credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
    };
    assert.match(
      body.assumedRoleArn,
      /^arn:aws:sts::222222222222:assumed-role\/reports-read\/reporting-service\./,
    );
    assert.match(body.sourceIdentity, /^reporting-service\.[\w-]{12}$/);
    assert.equal(body.durationSeconds, 900);
    assert.match(body.credentials.accessKeyId, /^ASIA/);
    const expiresIn = Date.parse(body.credentials.expiration) - Date.now();
    assert.ok(expiresIn > 880_000 && expiresIn <= 900_000, `expiry in ${expiresIn} ms`);
    const records = await recordsOf(body.issuanceId);
    assert.deepEqual(records.map((r) => r.decision).sort(), ['INTENT', 'ISSUED']);
    const issued = records.find((r) => r.decision === 'ISSUED');
    assert.equal(issued?.accessKeyId, body.credentials.accessKeyId);
    assert.equal(issued?.callerPrincipal, devIdentity('reporting-service').principalArn);
    assert.equal(issued?.callerKey, 'aws:111111111111:role/reporting-service');
    const stored = await allRecordsText();
    assert.ok(!stored.includes(body.credentials.secretAccessKey), 'secret key stored');
    assert.ok(!stored.includes(body.credentials.sessionToken), 'session token stored');
  });

  it('sends the ExternalId of the grant and never a body-supplied one', async () => {
    // Act
    const refused = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'reports-reader',
      externalId: 'attacker-chosen',
    });
    const accepted = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'reports-reader',
    });
    // Assess
    assert.equal(refused.status, 400);
    assert.equal(accepted.status, 201);
    const assumeCalls = fixture.stack.awsSts.calls.filter((c) => c.action === 'AssumeRole');
    assert.ok(assumeCalls.length > 0);
    assert.ok(assumeCalls.every((c) => c.params.ExternalId === 'reports-7f3a'));
  });

  it('refuses a role that no grant gives this caller with a generic 403 and a DENIED record', async () => {
    // Act
    const response = await fixture.call('mallory', 'POST', '/v1/credentials', {
      roleArn: 'arn:aws:iam::222222222222:role/reports-read',
    });
    // Assess
    const body = await problem(response);
    assert.equal(response.status, 403);
    assert.equal(body.code, 'not_allowed');
    assert.doesNotMatch(body.detail, /arn:|222222222222/);
    const stored = JSON.parse(await allRecordsText()) as Record<string, { S?: string }>[];
    assert.ok(
      stored.some(
        (item) => item.decision?.S === 'DENIED' && item.callerKey?.S === 'aws:111111111111:user/mallory',
      ),
    );
  });

  it('refuses 3601 seconds on a chained role with the allowed range, without calling STS', async () => {
    // Prepare
    const callsBefore = fixture.stack.awsSts.calls.length;
    // Act
    const response = await fixture.call('rotation-job', 'POST', '/v1/credentials', {
      grant: 'doris-vault-rotation',
      durationSeconds: 3601,
    });
    // Assess
    const body = await problem(response);
    assert.equal(response.status, 400);
    assert.equal(body.code, 'duration_out_of_range');
    assert.match(body.detail, /900 to 3600/);
    assert.match(body.detail, /role chaining/);
    assert.equal(fixture.stack.awsSts.calls.length, callsBefore);
  });

  for (const [label, durationSeconds] of [
    ['a string', '"3600"'],
    ['a fraction', '3600.5'],
    ['an overflow', '1e400'],
    ['a negative', '-1'],
  ] as const) {
    it(`refuses a duration that is ${label}`, async () => {
      // Act
      const response = await fixture.call(
        'reporting-service',
        'POST',
        '/v1/credentials',
        `{"grant":"reports-reader","durationSeconds":${durationSeconds}}`,
      );
      // Assess
      assert.equal(response.status, 400);
      await problem(response);
    });
  }

  it('refuses malformed JSON, unknown fields and duplicate keys with 400', async () => {
    // Act
    const responses = await Promise.all(
      [
        '{"grant":',
        '{"grant":"reports-reader","roleSessionName":"admin"}',
        '{"grant":"reports-reader","grant":"doris-vault-rotation"}',
        '{"grant":"reports-reader","__proto__":{"isAdmin":true}}',
      ].map((body) => fixture.call('reporting-service', 'POST', '/v1/credentials', body)),
    );
    // Assess
    assert.deepEqual(
      responses.map((r) => r.status),
      [400, 400, 400, 400],
    );
  });

  it('refuses a body over 64 KB with 413', async () => {
    // Act
    const response = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'reports-reader',
      policy: { Version: '2012-10-17', Statement: [], Padding: 'x'.repeat(70_000) },
    });
    // Assess
    assert.equal(response.status, 413);
    await problem(response);
  });

  it('answers 401 to unsigned, badly signed, stale, tampered and replayed-elsewhere requests', async () => {
    // Prepare
    const url = `${fixture.stack.apiUrl}/v1/credentials`;
    const body = JSON.stringify({ grant: 'reports-reader' });
    const wrongSecret = {
      ...devIdentity('reporting-service'),
      secretAccessKey: 'not-the-secret-0000000000000000000000',
    };
    const tamperedHeaders = await signRequest(
      url,
      { method: 'POST', body },
      devIdentity('reporting-service'),
    );
    // Act
    const unsigned = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    const control = await fixture.call('reporting-service', 'POST', '/v1/credentials', body, {});
    const forged = await signedFetch(url, { method: 'POST', body }, wrongSecret);
    const stale = await fixture.call('reporting-service', 'POST', '/v1/credentials', body, {
      signingDate: new Date(Date.now() - 6 * 60_000),
    });
    const tampered = await fetch(url, {
      method: 'POST',
      headers: tamperedHeaders,
      body: JSON.stringify({ grant: 'doris-vault-rotation' }),
    });
    const otherHost = 'broker.other-account.example.com';
    const replayHeaders = await signRequest(
      `https://${otherHost}/v1/credentials`,
      { method: 'POST', body },
      devIdentity('reporting-service'),
    );
    const replayed = await fetch(url, { method: 'POST', headers: replayHeaders, body });
    const spoofed = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-caller': 'arn:aws:iam::111111111111:role/reporting-service',
      },
    });
    // Assess
    assert.equal(control.status, 201, 'control: the same call signed correctly succeeds');
    assert.deepEqual(
      [unsigned.status, forged.status, stale.status, tampered.status, replayed.status, spoofed.status],
      [401, 401, 401, 401, 401, 401],
    );
  });

  it('accepts an OIDC caller with a valid local JWT and refuses expired, foreign-audience and unsigned tokens', async () => {
    // Prepare
    const keyFile = fixture.stack.jwt.privateKeyFile;
    const url = `${fixture.stack.apiUrl}/v1/oidc/credentials`;
    const body = JSON.stringify({ grant: 'doris-vault-rotation' });
    const post = (token: string) =>
      fetch(url, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    const valid = await signLocalToken(keyFile, { subject: 'rotation-job' });
    const expired = await signLocalToken(keyFile, {
      subject: 'rotation-job',
      ttlSeconds: -600,
      notBefore: Math.floor(Date.now() / 1000) - 1200,
    });
    const foreign = await signLocalToken(keyFile, { subject: 'rotation-job', audience: 'someone-else' });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({
        sub: 'rotation-job',
        iss: fixture.stack.jwt.issuer,
        aud: fixture.stack.jwt.audience,
        exp: 9e9,
      }),
    ).toString('base64url')}.`;
    // Act
    const statuses = [];
    for (const token of [valid, expired, foreign, unsigned]) statuses.push((await post(token)).status);
    // Assess
    assert.deepEqual(statuses, [201, 401, 401, 401]);
  });

  it('explains a dry run without calling STS', async () => {
    // Prepare
    const callsBefore = fixture.stack.awsSts.calls.length;
    // Act
    const response = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'reports-reader',
      durationSeconds: 1800,
      dryRun: true,
    });
    // Assess
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.decision, 'allow');
    assert.equal(body.durationSeconds, 1800);
    assert.equal('credentials' in body, false);
    assert.deepEqual(body.durationRange, { min: 900, max: 3600, maxSetBy: 'grant_maximum' });
    assert.equal(fixture.stack.awsSts.calls.length, callsBefore);
  });

  it('never writes an issued secret to the broker log', async () => {
    // Prepare
    await fixture.call('reporting-service', 'POST', '/v1/credentials', { grant: 'reports-reader' });
    // Act
    const log = fixture.apiOutput();
    // Assess
    const secrets = fixture.stack.awsSts.issuedSecrets();
    assert.ok(secrets.length > 0);
    assert.ok(log.includes('request completed'), 'the broker log was captured');
    for (const secret of secrets) assert.ok(!log.includes(secret), 'a secret appeared in the log');
  });
});

describe('POST /v1/credentials for a Volcengine grant', () => {
  it('returns Volcengine credentials with an ISO expiration and the TRN, sending the ceiling as Policy', async () => {
    // Act
    const response = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'tos-reader',
    });
    // Assess
    assert.equal(response.status, 201);
    const body = (await response.json()) as {
      issuanceId: string;
      provider: string;
      assumedRoleArn: string;
      sourceIdentity?: string;
      credentials: { accessKeyId: string; expiration: string };
    };
    assert.equal(body.provider, 'volcengine');
    assert.match(body.assumedRoleArn, /^trn:sts::2100000002:assumed-role\/tos-reader\/reporting-service\./);
    assert.equal(body.sourceIdentity, undefined);
    assert.match(body.credentials.expiration, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const call = fixture.stack.volcengineSts.calls.at(-1);
    assert.equal(call?.issuedAccessKeyId, body.credentials.accessKeyId);
    assert.deepEqual(JSON.parse(call?.policy ?? '{}').Statement[0].Action, [
      'tos:GetObject',
      'tos:ListBucket',
    ]);
    const records = await recordsOf(body.issuanceId);
    assert.deepEqual(records.map((r) => r.decision).sort(), ['INTENT', 'ISSUED']);
    assert.equal(records.find((r) => r.decision === 'ISSUED')?.provider, 'volcengine');
  });

  it('sends a narrower inline policy as requested and refuses one outside the ceiling', async () => {
    // Prepare
    const narrower = {
      Statement: [{ Effect: 'Allow', Action: ['tos:GetObject'], Resource: ['trn:tos:::reports/2026/*'] }],
    };
    const wider = { Statement: [{ Effect: 'Allow', Action: ['tos:*'], Resource: ['trn:tos:::reports/*'] }] };
    // Act
    const inside = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'tos-reader',
      policy: narrower,
    });
    const sent = fixture.stack.volcengineSts.calls.at(-1)?.policy;
    const outside = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'tos-reader',
      policy: wider,
    });
    // Assess
    assert.equal(inside.status, 201);
    assert.deepEqual(JSON.parse(sent ?? '{}'), narrower);
    const refusal = await problem(outside);
    assert.equal(refusal.code, 'policy_outside_ceiling');
  });

  it('refuses 899 and 43201 seconds itself, where Volcengine would silently clamp', async () => {
    // Prepare
    const callsBefore = fixture.stack.volcengineSts.calls.length;
    // Act
    const low = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'tos-reader',
      durationSeconds: 899,
    });
    const high = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'tos-reader',
      durationSeconds: 43_201,
    });
    // Assess
    assert.deepEqual([low.status, high.status], [400, 400]);
    assert.equal((await problem(low)).code, 'duration_out_of_range');
    assert.equal(fixture.stack.volcengineSts.calls.length, callsBefore);
  });
});

describe('GET /v1/health', () => {
  it('reports the broker identity and the audit table through the real clients', async () => {
    // Act
    const response = await fixture.call('reporting-service', 'GET', '/v1/health');
    // Assess
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      status: 'ok',
      version: '0.1.0',
      identity: {
        arn: 'arn:aws:sts::111111111111:assumed-role/credential-broker-local/broker',
        account: '111111111111',
      },
      table: { name: fixture.stack.tableName, status: 'ok' },
    });
  });
});
