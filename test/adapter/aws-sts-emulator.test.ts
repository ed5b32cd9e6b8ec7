import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { type StsEmulator, startAwsStsEmulator } from '../../local/aws-sts-emulator/index.js';
import { devIdentityFor, loadDevIdentities } from '../../local/dev-identities.js';

const identities = loadDevIdentities('local/dev-identities.json');
const broker = devIdentityFor(
  identities,
  'arn:aws:sts::111111111111:assumed-role/credential-broker-local/broker',
);
const mallory = devIdentityFor(identities, 'arn:aws:iam::111111111111:user/mallory');
const REPORTS_ROLE = 'arn:aws:iam::222222222222:role/reports-read';
const LONG_ROLE = 'arn:aws:iam::333333333333:role/long-sessions';
const CHAINED_ROLE = 'arn:aws:iam::444444444444:role/chained';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

let emulator: StsEmulator;
// The emulator's clock runs this far ahead of the real one; clients sign with the same offset.
let clockOffsetMs = 0;

const client = (credentials: Credentials, systemClockOffset = clockOffsetMs) =>
  new STSClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    systemClockOffset,
  });

const assumeAsBroker = (input: Partial<AssumeRoleCommandInput> = {}, caller: Credentials = broker) =>
  client(caller).send(
    new AssumeRoleCommand({
      RoleArn: REPORTS_ROLE,
      RoleSessionName: 'broker-test',
      ExternalId: 'reports-7f3a',
      DurationSeconds: 900,
      ...input,
    }),
  );

/** The STS error a call failed with, as the real SDK client surfaces it. */
async function stsError(call: Promise<unknown>): Promise<{ name: string; status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof STSServiceException)) throw error;
    return { name: error.name, status: error.$metadata.httpStatusCode ?? 0, message: error.message };
  }
  return assert.fail('expected the call to fail');
}

before(async () => {
  emulator = await startAwsStsEmulator({
    identities,
    clock: () => new Date(Date.now() + clockOffsetMs),
    roles: [
      {
        arn: REPORTS_ROLE,
        trustedPrincipals: ['arn:aws:iam::111111111111:role/credential-broker-local'],
        externalId: 'reports-7f3a',
      },
      {
        arn: LONG_ROLE,
        trustedPrincipals: ['arn:aws:iam::111111111111:root'],
        maxSessionDurationSeconds: 43_200,
      },
      { arn: CHAINED_ROLE, trustedPrincipals: [REPORTS_ROLE], maxSessionDurationSeconds: 7200 },
    ],
  });
});
after(() => emulator.stop());
beforeEach(() => {
  emulator.clearFaults();
  clockOffsetMs = 0;
});

describe('AWS STS emulator: AssumeRole through @aws-sdk/client-sts', () => {
  it('issues fresh credentials with the shapes and expiry of real STS', async () => {
    // Prepare
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports-bucket/*' }],
    });
    const startedAt = Date.now();
    // Act
    const result = await assumeAsBroker({
      Policy: policy,
      SourceIdentity: 'reporting-worker-1',
      Tags: [{ Key: 'team', Value: 'reporting' }],
    });
    const second = await assumeAsBroker();
    // Assess
    const credentials = result.Credentials;
    assert.ok(credentials?.AccessKeyId && credentials.SecretAccessKey && credentials.SessionToken);
    assert.match(credentials.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.equal(credentials.SecretAccessKey.length, 40);
    assert.ok(credentials.SessionToken.length > 200);
    const expiresIn = (credentials.Expiration?.getTime() ?? 0) - startedAt;
    assert.ok(Math.abs(expiresIn - 900_000) < 5000, `expires in ${expiresIn} ms`);
    assert.equal(
      result.AssumedRoleUser?.Arn,
      'arn:aws:sts::222222222222:assumed-role/reports-read/broker-test',
    );
    assert.match(result.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA[A-Z0-9]{17}:broker-test$/);
    assert.equal(result.SourceIdentity, 'reporting-worker-1');
    assert.ok((result.PackedPolicySize ?? 0) >= 1 && (result.PackedPolicySize ?? 0) <= 100);
    assert.equal(second.PackedPolicySize, undefined);
    assert.notEqual(second.Credentials?.AccessKeyId, credentials.AccessKeyId);
    assert.notEqual(second.Credentials?.SecretAccessKey, credentials.SecretAccessKey);
  });

  it('records calls without any issued secret or token', async () => {
    // Prepare
    emulator.clearCalls();
    // Act
    await assumeAsBroker();
    // Assess
    const recorded = JSON.stringify(emulator.calls);
    assert.equal(emulator.calls.length, 1);
    assert.deepEqual(
      {
        action: emulator.calls[0]?.action,
        status: emulator.calls[0]?.status,
        who: emulator.calls[0]?.principalArn,
      },
      { action: 'AssumeRole', status: 200, who: broker.principalArn },
    );
    assert.equal(emulator.calls[0]?.params.ExternalId, 'reports-7f3a');
    for (const secret of [...emulator.issuedSecrets(), broker.secretAccessKey]) {
      assert.ok(!recorded.includes(secret), 'a secret reached the call log');
    }
  });

  const padding = 'x'.repeat(2048);
  const randomText = (length: number) =>
    Array.from(
      { length },
      () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Math.floor(Math.random() * 62)],
    ).join('');
  const limitCases: {
    title: string;
    input: Partial<AssumeRoleCommandInput>;
    caller?: Credentials;
    name: string;
    status: number;
    message: RegExp;
  }[] = [
    {
      title: 'duration below 900',
      input: { DurationSeconds: 899 },
      name: 'ValidationError',
      status: 400,
      message: /greater than or equal to 900/,
    },
    {
      title: 'duration above 43200',
      input: { RoleArn: LONG_ROLE, DurationSeconds: 43_201 },
      caller: mallory,
      name: 'ValidationError',
      status: 400,
      message: /less than or equal to 43200/,
    },
    {
      title: 'duration above the role maximum',
      input: { DurationSeconds: 3601 },
      name: 'ValidationError',
      status: 400,
      message: /MaxSessionDuration/,
    },
    {
      title: 'duration above 3600 when role chaining',
      input: { RoleArn: LONG_ROLE, DurationSeconds: 3601 },
      name: 'ValidationError',
      status: 400,
      message: /role chaining/,
    },
    {
      title: 'session name with a space',
      input: { RoleSessionName: 'broker test' },
      name: 'ValidationError',
      status: 400,
      message: /roleSessionName.*regular expression/,
    },
    {
      title: 'session name of one character',
      input: { RoleSessionName: 'b' },
      name: 'ValidationError',
      status: 400,
      message: /roleSessionName.*greater than or equal to 2/,
    },
    {
      title: 'session name of 65 characters',
      input: { RoleSessionName: 'b'.repeat(65) },
      name: 'ValidationError',
      status: 400,
      message: /less than or equal to 64/,
    },
    {
      title: 'SourceIdentity with the aws: prefix',
      input: { SourceIdentity: 'aws:broker' },
      name: 'ValidationError',
      status: 400,
      message: /aws:/,
    },
    {
      title: 'SourceIdentity with a bad character',
      input: { SourceIdentity: 'who?' },
      name: 'ValidationError',
      status: 400,
      message: /sourceIdentity/,
    },
    {
      title: 'policy over 2048 characters',
      input: { Policy: JSON.stringify({ Version: padding }) },
      name: 'ValidationError',
      status: 400,
      message: /policy.*less than or equal to 2048/,
    },
    {
      title: 'policy that is not JSON',
      input: { Policy: '{"Version":' },
      name: 'MalformedPolicyDocumentException',
      status: 400,
      message: /policy/,
    },
    {
      title: '51 session tags',
      input: { Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) },
      name: 'ValidationError',
      status: 400,
      message: /tags.*less than or equal to 50/,
    },
    {
      title: 'tag key of 129 characters',
      input: { Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] },
      name: 'ValidationError',
      status: 400,
      message: /tags.1.member.key/,
    },
    {
      title: 'tag value of 257 characters',
      input: { Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] },
      name: 'ValidationError',
      status: 400,
      message: /tags.1.member.value/,
    },
    {
      title: 'tags too large once packed',
      input: {
        Tags: Array.from({ length: 50 }, (_, i) => ({
          Key: `k${i}${randomText(120)}`,
          Value: randomText(256),
        })),
      },
      name: 'PackedPolicyTooLargeException',
      status: 400,
      message: /Packed policy consumes/,
    },
    {
      title: '11 policy ARNs',
      input: {
        PolicyArns: Array.from({ length: 11 }, (_, i) => ({ arn: `arn:aws:iam::aws:policy/Policy${i}` })),
      },
      name: 'ValidationError',
      status: 400,
      message: /policyArns/,
    },
    {
      title: 'ExternalId of one character',
      input: { ExternalId: 'r' },
      name: 'ValidationError',
      status: 400,
      message: /externalId/,
    },
    {
      title: 'wrong ExternalId',
      input: { ExternalId: 'reports-0000' },
      name: 'AccessDenied',
      status: 403,
      message: /not authorized to perform: sts:AssumeRole/,
    },
    {
      title: 'missing ExternalId',
      input: { ExternalId: undefined },
      name: 'AccessDenied',
      status: 403,
      message: /not authorized/,
    },
    {
      title: 'untrusted principal',
      input: {},
      caller: mallory,
      name: 'AccessDenied',
      status: 403,
      message: /User: arn:aws:iam::111111111111:user\/mallory/,
    },
    {
      title: 'unknown role',
      input: { RoleArn: 'arn:aws:iam::222222222222:role/missing' },
      name: 'AccessDenied',
      status: 403,
      message: /not authorized/,
    },
  ];
  for (const limit of limitCases) {
    it(`refuses ${limit.title} and issues nothing`, async () => {
      // Prepare
      const issuedBefore = emulator.issuedSecrets().length;
      // Act
      const error = await stsError(assumeAsBroker(limit.input, limit.caller));
      // Assess
      assert.equal(error.name, limit.name, error.message);
      assert.equal(error.status, limit.status);
      assert.match(error.message, limit.message);
      assert.equal(emulator.issuedSecrets().length, issuedBefore);
      assert.equal(emulator.calls.at(-1)?.errorCode, limit.name.replace(/Exception$/, ''));
    });
  }

  it('allows 43200 s to a caller that is not a role session (the cap is for chaining only)', async () => {
    // Prepare / Act
    const result = await assumeAsBroker({ RoleArn: LONG_ROLE, DurationSeconds: 43_200 }, mallory);
    // Assess
    const expiresIn = (result.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    assert.ok(expiresIn > 43_100_000);
  });

  it('escapes request text echoed in error messages', async () => {
    // Prepare / Act
    const error = await stsError(assumeAsBroker({ RoleSessionName: 'a<b>&lt;"c\'' }));
    // Assess
    assert.equal(error.name, 'ValidationError');
    assert.ok(error.message.includes('a<b>&lt;"c\''), error.message);
  });
});

describe('AWS STS emulator: authentication', () => {
  it('answers SignatureDoesNotMatch to a wrong secret and InvalidClientTokenId to an unknown key', async () => {
    // Prepare
    const wrongSecret = { ...broker, secretAccessKey: `${broker.secretAccessKey.slice(0, -1)}X` };
    const unknownKey = { ...broker, accessKeyId: 'AKIAUNKNOWNKEY000000' };
    // Act
    const badSignature = await stsError(assumeAsBroker({}, wrongSecret));
    const badKey = await stsError(client(unknownKey).send(new GetCallerIdentityCommand({})));
    // Assess
    assert.deepEqual([badSignature.name, badSignature.status], ['SignatureDoesNotMatch', 403]);
    assert.deepEqual([badKey.name, badKey.status], ['InvalidClientTokenId', 403]);
  });

  it('refuses a request signed 6 minutes ago', async () => {
    // Prepare
    const late = client(broker, -6 * 60 * 1000);
    // Act
    const error = await stsError(late.send(new GetCallerIdentityCommand({})));
    // Assess
    assert.equal(error.name, 'SignatureDoesNotMatch');
    assert.match(error.message, /Signature expired/);
  });

  it('refuses a form body changed after signing, and a request without a signature', async () => {
    // Prepare
    const signer = new SignatureV4({
      service: 'sts',
      region: 'us-east-1',
      credentials: broker,
      sha256: Sha256,
    });
    const url = new URL(emulator.url);
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    );
    const headers = signed.headers;
    // Act
    const swapped = await fetch(emulator.url, {
      method: 'POST',
      headers,
      body: 'Action=AssumeRole&Version=2011-06-15',
    });
    const unsigned = await fetch(`${emulator.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    // Assess
    assert.equal(swapped.status, 403);
    assert.match(await swapped.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal(unsigned.status, 403);
    assert.match(await unsigned.text(), /<Code>MissingAuthenticationToken<\/Code>/);
  });

  it('accepts a GET with the Query parameters in the URL', async () => {
    // Prepare
    const signer = new SignatureV4({
      service: 'sts',
      region: 'us-east-1',
      credentials: mallory,
      sha256: Sha256,
    });
    const url = new URL(emulator.url);
    const signed = await signer.sign(
      new HttpRequest({
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host: url.host },
      }),
    );
    // Act
    const response = await fetch(`${emulator.url}/?Action=GetCallerIdentity&Version=2011-06-15`, {
      headers: signed.headers,
    });
    // Assess
    const xml = await response.text();
    assert.equal(response.status, 200);
    assert.match(xml, /^<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
    assert.match(
      xml,
      /<Arn>arn:aws:iam::111111111111:user\/mallory<\/Arn><UserId>AIDA[A-Z2-7]{17}<\/UserId>/,
    );
  });
});

describe('AWS STS emulator: GetCallerIdentity and issued session credentials', () => {
  it('names a dev identity', async () => {
    // Prepare / Act
    const identity = await client(broker).send(new GetCallerIdentityCommand({}));
    // Assess
    assert.equal(identity.Arn, broker.principalArn);
    assert.equal(identity.Account, '111111111111');
    assert.match(identity.UserId ?? '', /^AROA[A-Z2-7]{17}:broker$/);
  });

  it('names the assumed role for issued credentials, which can chain up to 3600 s', async () => {
    // Prepare
    const issued = await assumeAsBroker({ RoleSessionName: 'chain-start' });
    const session = {
      accessKeyId: issued.Credentials?.AccessKeyId ?? '',
      secretAccessKey: issued.Credentials?.SecretAccessKey ?? '',
      sessionToken: issued.Credentials?.SessionToken ?? '',
    };
    // Act
    const identity = await client(session).send(new GetCallerIdentityCommand({}));
    const chained = await assumeAsBroker(
      { RoleArn: CHAINED_ROLE, ExternalId: undefined, DurationSeconds: 3600 },
      session,
    );
    const tooLong = await stsError(
      assumeAsBroker({ RoleArn: CHAINED_ROLE, ExternalId: undefined, DurationSeconds: 3601 }, session),
    );
    const forgedToken = await stsError(
      client({ ...session, sessionToken: `${session.sessionToken}x` }).send(new GetCallerIdentityCommand({})),
    );
    // Assess
    assert.equal(identity.Arn, 'arn:aws:sts::222222222222:assumed-role/reports-read/chain-start');
    assert.equal(identity.UserId, issued.AssumedRoleUser?.AssumedRoleId);
    assert.equal(identity.Account, '222222222222');
    assert.equal(chained.AssumedRoleUser?.Arn, 'arn:aws:sts::444444444444:assumed-role/chained/broker-test');
    assert.match(tooLong.message, /role chaining/);
    assert.equal(forgedToken.name, 'InvalidClientTokenId');
  });

  it('answers ExpiredTokenException once issued credentials expire', async () => {
    // Prepare
    const issued = await assumeAsBroker({ DurationSeconds: 900 });
    const session = {
      accessKeyId: issued.Credentials?.AccessKeyId ?? '',
      secretAccessKey: issued.Credentials?.SecretAccessKey ?? '',
      sessionToken: issued.Credentials?.SessionToken ?? '',
    };
    clockOffsetMs = 901_000;
    // Act
    const error = await stsError(client(session).send(new GetCallerIdentityCommand({})));
    // Assess
    assert.deepEqual([error.name, error.status], ['ExpiredTokenException', 400]);
  });
});

describe('AWS STS emulator: fault injection', () => {
  const faultCases = [
    { kind: 'throttling', name: 'Throttling', status: 400 },
    { kind: 'access-denied', name: 'AccessDenied', status: 403 },
    { kind: 'region-disabled', name: 'RegionDisabledException', status: 403 },
    { kind: 'internal-error', name: 'InternalFailure', status: 500 },
  ] as const;
  for (const fault of faultCases) {
    it(`${fault.kind} fails exactly \`count\` calls, then STS answers again`, async () => {
      // Prepare
      emulator.injectFault({ kind: fault.kind, count: 1 });
      // Act
      const first = await stsError(assumeAsBroker());
      const second = await assumeAsBroker();
      // Assess
      assert.deepEqual([first.name, first.status], [fault.name, fault.status]);
      assert.ok(second.Credentials?.AccessKeyId);
    });
  }

  it('applies a fault to its action only, and forever without a count', async () => {
    // Prepare
    emulator.injectFault({ kind: 'throttling', action: 'AssumeRole' });
    // Act
    const identity = await client(broker).send(new GetCallerIdentityCommand({}));
    const errors = [await stsError(assumeAsBroker()), await stsError(assumeAsBroker())];
    // Assess
    assert.equal(identity.Arn, broker.principalArn);
    assert.deepEqual(
      errors.map((error) => error.name),
      ['Throttling', 'Throttling'],
    );
  });

  it('delays calls by the injected latency', async () => {
    // Prepare
    emulator.injectFault({ kind: 'latency', ms: 300, count: 1 });
    const sts = client(broker);
    // Act
    const slowStart = Date.now();
    await sts.send(new GetCallerIdentityCommand({}));
    const slow = Date.now() - slowStart;
    const fastStart = Date.now();
    await sts.send(new GetCallerIdentityCommand({}));
    const fast = Date.now() - fastStart;
    // Assess
    assert.ok(slow >= 290, `slow call took ${slow} ms`);
    assert.ok(fast < 250, `fast call took ${fast} ms`);
  });

  it('is driven over the HTTP control endpoint too', async () => {
    // Prepare
    const control = `${emulator.url}/__emulator`;
    const json = { 'content-type': 'application/json' };
    // Act
    const injected = await fetch(`${control}/faults`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ kind: 'region-disabled', action: 'GetCallerIdentity', count: 2 }),
    });
    const listed = (await (await fetch(`${control}/faults`)).json()) as { faults: unknown[] };
    const refused = await stsError(client(broker).send(new GetCallerIdentityCommand({})));
    const cleared = await fetch(`${control}/faults`, { method: 'DELETE' });
    const answered = await client(broker).send(new GetCallerIdentityCommand({}));
    const invalid = await fetch(`${control}/faults`, {
      method: 'POST',
      headers: json,
      body: '{"kind":"meteor"}',
    });
    const notJson = await fetch(`${control}/faults`, { method: 'POST', body: '{"kind":"throttling"}' });
    const calls = (await (await fetch(`${control}/calls`)).json()) as {
      calls: { action: string; errorCode?: string }[];
    };
    // Assess
    assert.equal(injected.status, 201);
    assert.deepEqual(listed.faults, [{ kind: 'region-disabled', action: 'GetCallerIdentity', count: 2 }]);
    assert.equal(refused.name, 'RegionDisabledException');
    assert.equal(cleared.status, 200);
    assert.equal(answered.Arn, broker.principalArn);
    assert.equal(invalid.status, 400);
    assert.equal(notJson.status, 415);
    assert.deepEqual(
      calls.calls.slice(-2).map((call) => call.errorCode ?? call.action),
      ['RegionDisabledException', 'GetCallerIdentity'],
    );
  });
});

describe('AWS STS emulator: loopback only', () => {
  it('refuses to listen on a non-loopback address', async () => {
    // Prepare / Act
    const starting = startAwsStsEmulator({ host: '0.0.0.0', identities, roles: [] });
    // Assess
    await assert.rejects(starting, /loopback only/);
  });

  it('refuses a request whose Host header is not a loopback name', async () => {
    // Prepare
    const url = new URL(emulator.url);
    // Act
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/__emulator/calls',
          headers: { host: 'attacker.example:80' },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on('error', reject);
      request.end();
    });
    // Assess
    assert.equal(status, 403);
  });
});
