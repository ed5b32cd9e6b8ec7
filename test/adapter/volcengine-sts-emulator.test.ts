import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
// Only tests import the vendor SDK: here it proves the emulator accepts real SDK signatures.
import { Signer } from '@volcengine/openapi';
import { signVolcengineRequest, type VolcengineSigningKey } from '../../lib/providers/volcengine-signer.js';
import {
  startVolcengineStsEmulator,
  type VolcengineStsEmulator,
} from '../../local/volcengine-sts-emulator/index.js';

const broker = {
  principalArn: 'trn:iam::2100000001:user/credential-broker',
  accessKeyId: 'AKLTTESTBROKER0001',
  secretAccessKey: 'test-broker-secret-Zx81kq0PpL2m',
};
const colleague = {
  principalArn: 'trn:iam::2100000001:user/colleague',
  accessKeyId: 'AKLTTESTCOLLEAGUE1',
  secretAccessKey: 'test-colleague-secret',
};
const mainAccount = {
  principalArn: 'trn:iam::2100000001:root',
  accessKeyId: 'AKLTTESTMAINACCT01',
  secretAccessKey: 'test-main-secret',
};
const tosReader = 'trn:iam::2100000002:role/tos-reader';
const accountWide = 'trn:iam::2100000002:role/account-wide';

interface StsBody {
  ResponseMetadata: { Region: string; Error?: { Code: string; Message: string } };
  Result?: { Credentials: { ExpiredTime: string; CurrentTime: string; AccessKeyId: string } };
}

let emulator: VolcengineStsEmulator;
let now = new Date();

function assumeRoleQuery(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    Action: 'AssumeRole',
    Version: '2018-01-01',
    RoleTrn: tosReader,
    RoleSessionName: 'direct-test',
    DurationSeconds: '3600',
    ...overrides,
  };
}

async function call(query: Record<string, string>, key: VolcengineSigningKey = broker, tamper = '') {
  const host = new URL(emulator.url).host;
  const signed = signVolcengineRequest(
    { method: 'GET', query, headers: { Host: host } },
    key,
    {
      region: 'cn-north-1',
      service: 'sts',
    },
    now,
  );
  const { Host: _host, ...headers } = signed.headers;
  const response = await fetch(`${emulator.url}/?${signed.queryString}${tamper}`, { headers });
  return { status: response.status, body: (await response.json()) as StsBody };
}

const lifetimeSeconds = (body: StsBody) => {
  const credentials = body.Result?.Credentials;
  assert.ok(credentials, JSON.stringify(body.ResponseMetadata));
  return (Date.parse(credentials.ExpiredTime) - Date.parse(credentials.CurrentTime)) / 1000;
};

describe('Volcengine STS emulator', () => {
  before(async () => {
    emulator = await startVolcengineStsEmulator({
      identities: [broker, colleague, mainAccount],
      roles: [
        { trn: tosReader, trustedPrincipals: [broker.principalArn] },
        { trn: accountWide, trustedPrincipals: ['trn:iam::2100000001:root'] },
      ],
      clock: () => now,
    });
  });
  after(() => emulator.stop());
  afterEach(() => {
    now = new Date();
    emulator.clearFaults();
    emulator.clearCalls();
  });

  it('clamps out-of-range durations like the real service instead of refusing them', async () => {
    // Act
    const short = await call(assumeRoleQuery({ DurationSeconds: '899' }));
    const long = await call(assumeRoleQuery({ DurationSeconds: '43201' }));
    // Assess
    assert.equal(short.status, 200);
    assert.equal(lifetimeSeconds(short.body), 900);
    assert.equal(long.status, 200);
    assert.equal(lifetimeSeconds(long.body), 43_200);
    assert.deepEqual(
      emulator.calls.map((c) => [c.requestedDurationSeconds, c.effectiveDurationSeconds]),
      [
        ['899', 900],
        ['43201', 43_200],
      ],
    );
  });

  it('writes times in ISO 8601 with the +08:00 offset and AKTP access keys', async () => {
    // Prepare
    now = new Date('2026-11-25T02:00:00Z');
    // Act
    const { body } = await call(assumeRoleQuery({ DurationSeconds: '900' }));
    // Assess
    assert.equal(body.Result?.Credentials.CurrentTime, '2026-11-25T10:00:00+08:00');
    assert.equal(body.Result?.Credentials.ExpiredTime, '2026-11-25T10:15:00+08:00');
    assert.match(body.Result?.Credentials.AccessKeyId ?? '', /^AKTP/);
  });

  it('refuses a request altered after signing', async () => {
    // Act
    const { status, body } = await call(assumeRoleQuery(), broker, '&DurationSeconds2=1');
    // Assess
    assert.equal(status, 401);
    assert.equal(body.ResponseMetadata.Error?.Code, 'SignatureDoesNotMatch');
  });

  it('refuses a signature older than the allowed clock skew', async () => {
    // Prepare: signed 20 minutes ago, verified now.
    const signedAt = new Date();
    now = new Date(signedAt.getTime() - 20 * 60 * 1000);
    const query = assumeRoleQuery();
    const host = new URL(emulator.url).host;
    const signed = signVolcengineRequest(
      { method: 'GET', query, headers: { Host: host } },
      broker,
      {
        region: 'cn-north-1',
        service: 'sts',
      },
      now,
    );
    now = signedAt;
    const { Host: _host, ...headers } = signed.headers;
    // Act
    const response = await fetch(`${emulator.url}/?${signed.queryString}`, { headers });
    const body = (await response.json()) as StsBody;
    // Assess
    assert.equal(body.ResponseMetadata.Error?.Code, 'InvalidTimestamp');
  });

  it('accepts a request signed by the vendor SDK', async () => {
    // Prepare
    const requestObj = {
      region: 'cn-north-1',
      method: 'GET',
      params: assumeRoleQuery({ Policy: '{"Statement":[]}' }),
      headers: {} as Record<string, string>,
    };
    new Signer(requestObj, 'sts').addAuthorization(
      { accessKeyId: broker.accessKeyId, secretKey: broker.secretAccessKey },
      now,
    );
    const query = new URLSearchParams(requestObj.params as Record<string, string>).toString();
    // Act
    const response = await fetch(`${emulator.url}/?${query}`, { headers: requestObj.headers });
    const body = (await response.json()) as StsBody;
    // Assess
    assert.equal(response.status, 200, JSON.stringify(body.ResponseMetadata));
    assert.equal(lifetimeSeconds(body), 3600);
  });

  it('enforces trust: named sub-users, whole accounts, and never the main account', async () => {
    // Act
    const untrusted = await call(assumeRoleQuery(), colleague);
    const viaAccount = await call(assumeRoleQuery({ RoleTrn: accountWide }), colleague);
    const root = await call(assumeRoleQuery({ RoleTrn: accountWide }), mainAccount);
    const missing = await call(assumeRoleQuery({ RoleTrn: 'trn:iam::2100000002:role/nope' }));
    // Assess
    assert.equal(untrusted.status, 403);
    assert.equal(untrusted.body.ResponseMetadata.Error?.Code, 'AccessDenied');
    assert.equal(viaAccount.status, 200);
    assert.equal(root.body.ResponseMetadata.Error?.Code, 'AccessDenied');
    assert.equal(missing.body.ResponseMetadata.Error?.Code, 'AccessDenied');
  });

  it('rejects unknown keys, malformed parameters and a Policy that is not JSON', async () => {
    // Act
    const unknownKey = await call(assumeRoleQuery(), { accessKeyId: 'AKLTNOBODY', secretAccessKey: 'x' });
    const badPolicy = await call(assumeRoleQuery({ Policy: '{not json' }));
    const badDuration = await call(assumeRoleQuery({ DurationSeconds: '1h' }));
    const badTrn = await call(assumeRoleQuery({ RoleTrn: 'arn:aws:iam::1:role/x' }));
    // Assess
    assert.equal(unknownKey.body.ResponseMetadata.Error?.Code, 'InvalidAccessKey');
    for (const { status, body } of [badPolicy, badDuration, badTrn]) {
      assert.equal(status, 400);
      assert.equal(body.ResponseMetadata.Error?.Code, 'InvalidParameter');
    }
  });

  it('takes faults over HTTP and reports calls without secrets', async () => {
    // Prepare
    const faults = `${emulator.url}/__emulator/faults`;
    const injected = await fetch(faults, {
      method: 'POST',
      body: JSON.stringify({ kind: 'throttling', count: 1 }),
    });
    const invalid = await fetch(faults, { method: 'POST', body: JSON.stringify({ kind: 'meteor' }) });
    // Act
    const throttled = await call(assumeRoleQuery());
    await fetch(faults, { method: 'POST', body: JSON.stringify({ kind: 'internal-error' }) });
    await fetch(faults, { method: 'DELETE' });
    const fine = await call(assumeRoleQuery());
    const calls = await (await fetch(`${emulator.url}/__emulator/calls`)).text();
    // Assess
    assert.equal(injected.status, 204);
    assert.equal(invalid.status, 400);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.ResponseMetadata.Error?.Code, 'RequestLimitExceeded');
    assert.equal(fine.status, 200);
    assert.equal((JSON.parse(calls) as unknown[]).length, 2);
    for (const secret of [broker.secretAccessKey, ...emulator.issuedSecrets()]) {
      assert.ok(!calls.includes(secret));
    }
  });

  it('listens on loopback only', async () => {
    // Act
    const start = startVolcengineStsEmulator({ host: '0.0.0.0', identities: [], roles: [] });
    // Assess
    await assert.rejects(start, /loopback only/);
  });
});
