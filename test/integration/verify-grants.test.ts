/**
 * The scheduled grant check against the local STS emulators and dynalite: a grant whose
 * role does not exist is reported failed, every other grant is still checked, each
 * result is a VERIFY record, and GET /v1/grants shows the newest result per grant.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { STSClient } from '@aws-sdk/client-sts';
import { ulid } from 'ulid';
import { parse, stringify } from 'yaml';
import { makeDynamoAuditStore } from '../../lib/audit/dynamodb-store.js';
import { budgetFromDeadline } from '../../lib/budget.js';
import { loadGrants } from '../../lib/config/grants.js';
import { makeAwsIssuer } from '../../lib/providers/aws-sts.js';
import { makeVolcengineIssuer } from '../../lib/providers/volcengine-sts.js';
import { makeVerifyGrants, type VerifySummary } from '../../lib/verification/verify-grants.js';
import { devIdentityFor, loadDevIdentities } from '../../local/dev-identities.js';
import { localDynamoClient } from '../../local/dynamodb.js';
import { BROKER_AWS_PRINCIPAL, BROKER_VOLCENGINE_PRINCIPAL } from '../../local/stack.js';
import { type StackFixture, startStackFixture } from './stack-fixture.js';

const GHOST_ROLE = 'arn:aws:iam::444444444444:role/deleted-by-someone';

/** local/grants.yaml with, first in line, a grant whose role the emulator does not have, and a disabled one. */
function grantsWithBrokenRole(dir: string): string {
  const grants = parse(readFileSync('local/grants.yaml', 'utf8'));
  grants.grants.unshift(
    {
      id: 'ghost-export',
      callers: ['arn:aws:iam::111111111111:role/reporting-service'],
      provider: 'aws',
      roleArn: GHOST_ROLE,
      externalId: 'ghost-0001',
    },
    {
      id: 'retired-export',
      callers: ['arn:aws:iam::111111111111:role/reporting-service'],
      provider: 'aws',
      roleArn: 'arn:aws:iam::444444444444:role/retired',
      disabled: true,
    },
  );
  const file = join(dir, 'grants.yaml');
  writeFileSync(file, stringify(grants));
  return file;
}

interface LastCheck {
  status: string;
  reason: string;
  at: string;
}

describe('verify-grants against the local stack', { timeout: 120_000 }, () => {
  let fixture: StackFixture;
  let dir: string;
  let verify: ReturnType<typeof makeVerifyGrants>;
  let first: VerifySummary;
  const ample = () => budgetFromDeadline(Date.now() + 30_000);

  const makeVerify = (concurrency: number) => {
    const identities = loadDevIdentities('local/dev-identities.json');
    const brokerAws = devIdentityFor(identities, BROKER_AWS_PRINCIPAL);
    const brokerVolcengine = devIdentityFor(identities, BROKER_VOLCENGINE_PRINCIPAL);
    const grants = loadGrants(grantsWithBrokenRole(dir)).grants;
    return makeVerifyGrants({
      grants: () => grants,
      onChecked: () => undefined,
      issuers: {
        aws: makeAwsIssuer({
          client: new STSClient({
            endpoint: fixture.stack.awsSts.url,
            region: 'us-east-1',
            credentials: brokerAws,
            maxAttempts: 1,
          }),
          timeoutMs: 3_000,
        }),
        volcengine: makeVolcengineIssuer({
          endpoint: fixture.stack.volcengineSts.url,
          credentials: brokerVolcengine,
          requestTimeoutMs: 3_000,
          maxAttempts: 1,
        }),
      },
      audit: makeDynamoAuditStore({
        client: localDynamoClient(fixture.stack.dynamo.url, brokerAws),
        tableName: fixture.stack.tableName,
        timeoutMs: 3_000,
      }),
      newId: ulid,
      clock: () => new Date(),
      concurrency,
    });
  };

  const lastChecks = async () => {
    const response = await fixture.call('security-audit', 'GET', '/v1/grants');
    assert.equal(response.status, 200);
    const body = (await response.json()) as { grants: { id: string; lastCheck: LastCheck | null }[] };
    return new Map(body.grants.map((grant) => [grant.id, grant.lastCheck]));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'broker-verify-'));
    fixture = await startStackFixture();
    verify = makeVerify(1);
    fixture.stack.awsSts.clearCalls();
    first = await verify(ample());
  });

  after(async () => {
    await fixture?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the grant whose role is missing as failed and still checks every other enabled grant', () => {
    // Assess
    const byGrant = new Map(first.checks.map((check) => [check.grantId, check]));
    assert.equal(byGrant.get('ghost-export')?.status, 'failed');
    assert.equal(byGrant.get('ghost-export')?.reason, 'not_allowed');
    assert.equal(byGrant.get('reports-reader')?.status, 'ok');
    assert.equal(byGrant.get('doris-vault-rotation')?.status, 'ok');
    assert.equal(byGrant.get('tos-reader')?.status, 'ok');
    assert.equal(byGrant.has('retired-export'), false, 'a disabled grant is not checked');
    assert.deepEqual(
      { checked: first.checked, ok: first.ok, failed: first.failed, disabled: first.disabled },
      { checked: 4, ok: 3, failed: 1, disabled: 1 },
    );
    assert.equal(first.auditFailures, 0);
  });

  it('assumes each AWS role for the minimum 900 s with the grant external id and a verify source identity', () => {
    // Assess
    const assumes = fixture.stack.awsSts.calls.filter((call) => call.action === 'AssumeRole');
    assert.deepEqual(
      assumes.map((call) => [
        call.params.RoleArn,
        call.params.ExternalId,
        call.params.DurationSeconds,
        call.status,
      ]),
      [
        [GHOST_ROLE, 'ghost-0001', '900', 403],
        ['arn:aws:iam::222222222222:role/reports-read', 'reports-7f3a', '900', 200],
        ['arn:aws:iam::333333333333:role/doris-storage-vault', 'doris-vault-91c2', '900', 200],
      ],
    );
    assert.ok(assumes.every((call) => call.params.SourceIdentity === 'credential-broker-verify'));
  });

  it('writes one VERIFY record per checked grant, with the reason and no secret', async () => {
    // Act
    const response = await fixture.call('security-audit', 'GET', '/v1/issuances?decision=VERIFY&limit=100');
    // Assess
    assert.equal(response.status, 200);
    const text = await response.text();
    const { items } = JSON.parse(text) as { items: { grantId: string; reason: string; detail?: string }[] };
    const reasons = Object.fromEntries(items.map((item) => [item.grantId, item.reason]));
    assert.deepEqual(reasons, {
      'ghost-export': 'not_allowed',
      'reports-reader': 'ok',
      'doris-vault-rotation': 'ok',
      'tos-reader': 'ok',
    });
    assert.match(items.find((item) => item.grantId === 'ghost-export')?.detail ?? '', /AccessDenied/);
    for (const secret of fixture.stack.awsSts.issuedSecrets()) assert.ok(!text.includes(secret));
  });

  it('GET /v1/grants shows the newest check of each grant, and refuses non-auditors', async () => {
    // Prepare: a second round in which STS refuses the first grant it is asked about.
    fixture.stack.awsSts.injectFault({ kind: 'access-denied', action: 'AssumeRole', count: 2 });
    const second = await verify(ample());
    // Act
    const checks = await lastChecks();
    const refused = await fixture.call('reporting-service', 'GET', '/v1/grants');
    // Assess
    assert.deepEqual(
      second.checks.filter((c) => c.status === 'failed').map((c) => c.grantId),
      ['ghost-export', 'reports-reader'],
    );
    assert.equal(checks.get('reports-reader')?.status, 'failed');
    assert.equal(checks.get('reports-reader')?.reason, 'not_allowed');
    assert.equal(checks.get('doris-vault-rotation')?.status, 'ok');
    assert.equal(checks.get('tos-reader')?.status, 'ok');
    assert.equal(refused.status, 403);
  });
});
