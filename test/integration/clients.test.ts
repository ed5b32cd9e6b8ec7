/**
 * The client side against the real local stack: the SDK provider and a credential_process
 * profile both yield credentials the local STS accepts; the creds and revoke commands
 * print what they promise and fail with the right exit codes; the kill switch denies.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { fromProcess } from '@aws-sdk/credential-providers';
import { parse, stringify } from 'yaml';
import { main } from '../../cli/broker.js';
import type { CliIo } from '../../cli/command.js';
import { credsCommand } from '../../cli/commands/creds.js';
import { makeRevokeCommand } from '../../cli/commands/revoke.js';
import { BrokerClientError } from '../../lib/client/problem.js';
import { fromCredentialBroker } from '../../lib/client/provider.js';
import { credentialsSigner } from '../../lib/client/signer.js';
import { scanAudit } from './audit-records.js';
import { devIdentity, type StackFixture, startStackFixture } from './stack-fixture.js';

const REPORTS_ASSUMED = /^arn:aws:sts::222222222222:assumed-role\/reports-read\/reporting-service\.\w+$/;
const REPORTING_ROLE = 'arn:aws:iam::111111111111:role/reporting-service';
const MALLORY = 'arn:aws:iam::111111111111:user/mallory';

/** local/grants.yaml plus kill-switch cases: a disabled grant, and a denied caller who holds a grant. */
function killSwitchGrants(dir: string): string {
  const grants = parse(readFileSync('local/grants.yaml', 'utf8'));
  grants.grants.push(
    {
      id: 'reports-reader-legacy',
      callers: [REPORTING_ROLE],
      provider: 'aws',
      roleArn: 'arn:aws:iam::222222222222:role/reports-read',
      externalId: 'reports-7f3a',
      disabled: true,
    },
    {
      id: 'mallory-reports',
      callers: [MALLORY],
      provider: 'aws',
      roleArn: 'arn:aws:iam::222222222222:role/reports-read',
      externalId: 'reports-7f3a',
    },
  );
  grants.deniedCallers = [MALLORY];
  const file = join(dir, 'grants.yaml');
  writeFileSync(file, stringify(grants));
  return file;
}

function captureIo(env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: async (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}

const stsWith = (url: string, credentials: STSClientConfig['credentials']) =>
  new STSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });

describe('clients against the local stack', { timeout: 180_000 }, () => {
  let fixture: StackFixture;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'broker-clients-'));
    fixture = await startStackFixture({ grantsFile: killSwitchGrants(dir) });
  });

  after(async () => {
    await fixture?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fromCredentialBroker gives an STS client working credentials of the granted role', async () => {
    // Prepare
    const provider = fromCredentialBroker({
      endpoint: fixture.stack.apiUrl,
      grant: 'reports-reader',
      signer: credentialsSigner(devIdentity('reporting-service')),
    });
    const sts = stsWith(fixture.stack.awsSts.url, provider);
    // Act
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    await sts.send(new GetCallerIdentityCommand({}));
    // Assess
    assert.match(identity.Arn ?? '', REPORTS_ASSUMED);
    const assumeCalls = fixture.stack.awsSts.calls.filter(
      (call) =>
        call.action === 'AssumeRole' && call.params.RoleArn === 'arn:aws:iam::222222222222:role/reports-read',
    );
    assert.equal(assumeCalls.length, 1, 'the second SDK call reuses the cached session');
  });

  it('a credential_process profile running `npx broker creds` works with the SDK', async () => {
    // Prepare
    const config = join(dir, 'config');
    writeFileSync(
      config,
      [
        '[profile broker-reports]',
        `credential_process = npx broker creds --local --as reporting-service --grant reports-reader --endpoint ${fixture.stack.apiUrl}`,
        'region = us-east-1',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'credentials'), '');
    const saved = {
      config: process.env.AWS_CONFIG_FILE,
      credentials: process.env.AWS_SHARED_CREDENTIALS_FILE,
    };
    process.env.AWS_CONFIG_FILE = config;
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    try {
      const credentials = fromProcess({ profile: 'broker-reports' });
      // Act
      const resolved = await credentials();
      const identity = await stsWith(fixture.stack.awsSts.url, credentials).send(
        new GetCallerIdentityCommand({}),
      );
      // Assess
      assert.match(identity.Arn ?? '', REPORTS_ASSUMED);
      assert.ok(resolved.expiration && resolved.expiration.getTime() > Date.now() + 10 * 60_000);
    } finally {
      process.env.AWS_CONFIG_FILE = saved.config;
      process.env.AWS_SHARED_CREDENTIALS_FILE = saved.credentials;
      if (saved.config === undefined) delete process.env.AWS_CONFIG_FILE;
      if (saved.credentials === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    }
  });

  it('broker creds --format env prints exports the SDK variables name', async () => {
    // Prepare
    const out = captureIo({ BROKER_ENDPOINT: fixture.stack.apiUrl });
    // Act
    const code = await credsCommand.run(
      ['--local', '--as', 'rotation-job', '--grant', 'doris-vault-rotation', '--format', 'env'],
      out.io,
    );
    // Assess
    assert.equal(code, 0, out.stderr());
    assert.match(out.stdout(), /^export AWS_ACCESS_KEY_ID='ASIA\w+'$/m);
    assert.match(out.stdout(), /^export AWS_SESSION_TOKEN='.+'$/m);
    assert.equal(out.stderr(), '');
  });

  it('broker creds prints Volcengine credentials as VOLC_* variables, and refuses credential_process for them', async () => {
    // Prepare
    const env = captureIo({ BROKER_ENDPOINT: fixture.stack.apiUrl });
    const credentialProcess = captureIo({ BROKER_ENDPOINT: fixture.stack.apiUrl });
    const args = ['--local', '--as', 'reporting-service', '--grant', 'tos-reader'];
    const tosRecords = async () =>
      (await scanAudit(fixture.stack)).records.filter((record) => record.grantId === 'tos-reader').length;
    // Act
    const envCode = await credsCommand.run([...args, '--format', 'env'], env.io);
    const [stsCalls, records] = [fixture.stack.volcengineSts.calls.length, await tosRecords()];
    const processCode = await credsCommand.run(args, credentialProcess.io);
    // Assess: refused before any issuance: no STS call, no INTENT or ISSUED record.
    assert.equal(fixture.stack.volcengineSts.calls.length, stsCalls);
    assert.equal(await tosRecords(), records);
    assert.equal(envCode, 0, env.stderr());
    assert.match(env.stdout(), /^export VOLC_ACCESSKEY='[^'\n]+'$/m);
    assert.match(env.stdout(), /^export VOLC_SECRETKEY='.+'$/m);
    assert.match(env.stdout(), /^export VOLC_SESSIONTOKEN='.+'$/m);
    assert.doesNotMatch(env.stdout(), /AWS_/);
    assert.equal(processCode, 1);
    assert.equal(credentialProcess.stdout(), '');
    assert.match(credentialProcess.stderr(), /^broker: credential_process is the AWS SDKs' contract/);
  });

  it('broker health and broker grants answer from the running stack', async () => {
    // Prepare
    const health = captureIo({ BROKER_ENDPOINT: fixture.stack.apiUrl });
    const grants = captureIo({ BROKER_ENDPOINT: fixture.stack.apiUrl });
    // Act
    const codes = [
      await main(['health', '--local', '--as', 'reporting-service'], health.io),
      await main(['grants', '--all', '--local'], grants.io),
    ];
    // Assess
    assert.deepEqual(codes, [0, 0], health.stderr() + grants.stderr());
    assert.match(health.stdout(), /^ok: broker \S+ as arn:aws:/);
    assert.match(
      grants.stdout(),
      /^reports-reader\n {2}role {7}arn:aws:iam::222222222222:role\/reports-read \(aws\)$/m,
    );
    assert.match(grants.stdout(), /^ {2}durations {2}default \d+ s, max /m);
  });

  it('broker grants shows a service caller its own grants with the ceiling, and nothing of anyone else', async () => {
    // Prepare
    const run = async (as: string, format: string) => {
      const out = captureIo({ BROKER_ENDPOINT: fixture.stack.apiUrl });
      const code = await main(['grants', '--local', '--as', as, '--format', format], out.io);
      return { code, stdout: out.stdout(), stderr: out.stderr() };
    };
    const localGrants = parse(readFileSync('local/grants.yaml', 'utf8')) as {
      grants: { id: string; policy?: unknown }[];
    };
    // Act
    const reporting = await run('reporting-service', 'json');
    const table = await run('reporting-service', 'table');
    const auditor = await run('security-audit', 'table');
    const denied = await run('mallory', 'json');
    // Assess
    assert.deepEqual([reporting.code, table.code, auditor.code, denied.code], [0, 0, 0, 0], reporting.stderr);
    const mine = JSON.parse(reporting.stdout) as { grants: { id: string; ceilingPolicy: unknown }[] };
    // The disabled reports-reader-legacy that also names this caller is not listed.
    assert.deepEqual(
      mine.grants.map((grant) => grant.id),
      ['reports-reader', 'tos-reader'],
    );
    assert.deepEqual(
      mine.grants[0]?.ceilingPolicy,
      localGrants.grants.find((grant) => grant.id === 'reports-reader')?.policy,
    );
    for (const hidden of ['reports-7f3a', 'externalId', 'callers', 'rotation-job', '{caller.name}']) {
      assert.ok(!reporting.stdout.includes(hidden), `shows ${hidden}`);
    }
    assert.match(
      table.stdout,
      /^reports-reader +aws +arn:aws:iam::222222222222:role\/reports-read +900 s +3600 s /m,
    );
    assert.match(table.stdout, /^ceiling of reports-reader: /m);
    // No grant (an auditor) and a caller on the kill switch: an empty list, not a refusal.
    assert.equal(auditor.stdout, '(no grants: no enabled grant names you)\n');
    assert.deepEqual(JSON.parse(denied.stdout), { grants: [] });
  });

  it('broker creds --dry-run prints the decision and mints nothing', async () => {
    // Prepare
    const policyFile = join(dir, 'policy.json');
    writeFileSync(
      policyFile,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports-bucket/2025/*' },
        ],
      }),
    );
    const before = fixture.stack.awsSts.calls.length;
    const out = captureIo({ BROKER_ENDPOINT: fixture.stack.apiUrl });
    // Act
    const code = await credsCommand.run(
      [
        '--local',
        '--as',
        'reporting-service',
        '--grant',
        'reports-reader',
        '--policy',
        `@${policyFile}`,
        '--dry-run',
      ],
      out.io,
    );
    // Assess
    assert.equal(code, 0, out.stderr());
    assert.match(out.stdout(), /reports-bucket\/2025/);
    assert.doesNotMatch(out.stdout(), /secretAccessKey/);
    assert.equal(fixture.stack.awsSts.calls.length, before);
  });

  it('broker creds exits 2 with the problem on stderr when the caller has no grant', async () => {
    // Prepare
    const out = captureIo();
    // Act
    const code = await credsCommand.run(
      ['--local', '--as', 'security-audit', '--grant', 'reports-reader', '--endpoint', fixture.stack.apiUrl],
      out.io,
    );
    // Assess
    assert.equal(code, 2);
    assert.equal(out.stdout(), '');
    assert.match(
      out.stderr(),
      /^broker: Forbidden \(not_allowed, HTTP 403\)\n {2}.+\n {2}request id .+\nhint: no grant names you.*\n$/,
    );
    assert.doesNotMatch(out.stderr(), /\n\s+at /, 'no stack trace');
  });

  it('broker creds exits 1 on a duration the grant refuses, and 3 when the broker is unreachable', async () => {
    // Prepare
    const invalid = captureIo({ BROKER_ENDPOINT: fixture.stack.apiUrl });
    const unreachable = captureIo({ BROKER_ENDPOINT: 'http://127.0.0.1:9' });
    const args = ['--local', '--as', 'reporting-service', '--grant', 'reports-reader'];
    // Act
    const invalidCode = await credsCommand.run([...args, '--duration', '7200'], invalid.io);
    const unreachableCode = await credsCommand.run(args, unreachable.io);
    // Assess
    assert.equal(invalidCode, 1);
    assert.match(invalid.stderr(), /HTTP 400/);
    assert.equal(unreachableCode, 3);
    assert.match(
      unreachable.stderr(),
      /^broker: Broker unreachable \(network_error\)\n {2}cannot reach http:\/\/127\.0\.0\.1:9: /m,
    );
    assert.equal(invalid.stdout() + unreachable.stdout(), '');
  });

  it('kill switch: a disabled grant and a denied caller get 403 and leave DENIED records', async () => {
    // Prepare
    const disabled = fromCredentialBroker({
      endpoint: fixture.stack.apiUrl,
      grant: 'reports-reader-legacy',
      signer: credentialsSigner(devIdentity('reporting-service')),
    });
    const denied = fromCredentialBroker({
      endpoint: fixture.stack.apiUrl,
      grant: 'mallory-reports',
      signer: credentialsSigner(devIdentity('mallory')),
    });
    const forbidden = (error: unknown) => error instanceof BrokerClientError && error.status === 403;
    // Act
    await assert.rejects(disabled(), forbidden);
    await assert.rejects(denied(), forbidden);
    const response = await fixture.call('security-audit', 'GET', '/v1/issuances?decision=DENIED&limit=100');
    // Assess
    assert.equal(response.status, 200);
    const { items } = (await response.json()) as { items: { grantId?: string; reason?: string }[] };
    const reasonOf = (grant: string) => items.find((item) => item.grantId === grant)?.reason;
    assert.equal(reasonOf('reports-reader-legacy'), 'grant_disabled');
    assert.equal(reasonOf('mallory-reports'), 'caller_denied');
  });

  it('broker revoke prints the deny policy for each role the caller was issued', async () => {
    // Prepare: an issuance to revoke (earlier tests issued some too).
    await fromCredentialBroker({
      endpoint: fixture.stack.apiUrl,
      grant: 'reports-reader',
      signer: credentialsSigner(devIdentity('reporting-service')),
    })();
    const now = new Date();
    const out = captureIo({ BROKER_ENDPOINT: fixture.stack.apiUrl });
    // Act
    const code = await makeRevokeCommand(() => now).run(
      ['--local', '--as', 'security-audit', '--caller', REPORTING_ROLE],
      out.io,
    );
    // Assess
    assert.equal(code, 0, out.stderr());
    const text = out.stdout();
    assert.match(text, /^# arn:aws:iam::222222222222:role\/reports-read: \d+ session\(s\)/m);
    assert.match(
      text,
      /^aws iam put-role-policy --role-name 'reports-read' --policy-name 'broker-revoke-reporting-service\.[\w-]+-\d{8}T\d{6}Z'/m,
    );
    assert.ok(text.includes(`"aws:TokenIssueTime": "${now.toISOString()}"`));
    assert.match(text, /"aws:SourceIdentity": "reporting-service\.[\w-]+"/);
    assert.doesNotMatch(text, /doris-storage-vault/, 'only roles this caller was issued');
  });

  it('the rotation job example writes a 0600 env file the SDK credentials work from, and logs no secret', async () => {
    // Prepare
    const target = join(dir, 'vault.env');
    const env = {
      ...process.env,
      BROKER_ENDPOINT: fixture.stack.apiUrl,
      ROTATION_GRANT: 'doris-vault-rotation',
      ROTATION_TARGET: target,
      ROTATION_LOCAL_AS: 'rotation-job',
    };
    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/rotation-job/rotate.ts', '--once'],
      { env },
    );
    // Assess
    const file = Object.fromEntries(
      readFileSync(target, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    assert.equal(statSync(target).mode & 0o777, 0o600);
    const identity = await stsWith(fixture.stack.awsSts.url, {
      accessKeyId: file.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: file.AWS_SECRET_ACCESS_KEY ?? '',
      sessionToken: file.AWS_SESSION_TOKEN ?? '',
    }).send(new GetCallerIdentityCommand({}));
    assert.match(
      identity.Arn ?? '',
      /^arn:aws:sts::333333333333:assumed-role\/doris-storage-vault\/rotation-job\./,
    );
    assert.match(stdout, /"event":"credentials rotated"/);
    assert.ok(!stdout.includes(file.AWS_SECRET_ACCESS_KEY ?? 'missing'));
    assert.ok(!stdout.includes(file.AWS_SESSION_TOKEN ?? 'missing'));
  });
});
