/**
 * The scheduled grant check through its real composition (functions/verify-grants/compose.ts)
 * with fakes at the ports: what each grant's check sends, records and reports, and that an
 * unwritten VERIFY record fails the run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeHandler } from '../../functions/verify-grants/compose.js';
import type { Grant } from '../../lib/config/grants-schema.js';
import type { GrantCheckMetric } from '../../lib/observability/grant-check-report.js';
import { mapStsError } from '../../lib/providers/aws-sts.js';
import { VERIFY_CALLER_KEY, VERIFY_SOURCE_IDENTITY } from '../../lib/verification/verify-grants.js';
import { FakeAuditStore, FakeIssuer, SECRET_ACCESS_KEY, SESSION_TOKEN } from '../support/fakes.js';
import { sampleGrantsFile, sampleGrantsInput } from '../support/grants.js';
import { buildContext } from '../support/lambda.js';
import { capturingLogger } from '../support/logs.js';

function setup(grants: readonly Grant[] = sampleGrantsFile().grants) {
  const audit = new FakeAuditStore();
  const aws = new FakeIssuer('aws');
  const volcengine = new FakeIssuer('volcengine');
  const metrics: Parameters<GrantCheckMetric['record']>[0][] = [];
  const logs = capturingLogger();
  let ids = 0;
  const handler = makeHandler({
    grants: () => grants,
    issuers: { aws, volcengine },
    audit,
    newId: () => `01VERIFYCHECK${String(++ids).padStart(13, '0')}`,
    clock: () => new Date('2025-01-01T00:00:00.000Z'),
    logger: logs.logger,
    metric: {
      record: (check) => metrics.push({ grantId: check.grantId, reason: check.reason, status: check.status }),
    },
  });
  const run = async () => {
    try {
      return await handler({}, buildContext(30_000));
    } finally {
      logs.restore();
    }
  };
  return { run, audit, aws, volcengine, metrics, logs };
}

describe('verify-grants composition', () => {
  it('checks every grant with what an issuance would send, at the minimum duration, and records VERIFY', async () => {
    // Prepare
    const { run, audit, aws, volcengine, metrics } = setup();
    // Act
    const summary = await run();
    // Assess
    assert.deepEqual(summary, { checked: 3, ok: 3, failed: 0, disabled: 0, auditFailures: 0 });
    const reports = aws.calls.find((call) => call.roleArn.endsWith(':role/reports-read'));
    assert.equal(reports?.externalId, 'reports-7f3a');
    assert.equal(reports?.durationSeconds, 900);
    assert.equal(reports?.sourceIdentity, VERIFY_SOURCE_IDENTITY);
    // `{caller.name}` renders to the job, not to any caller.
    assert.deepEqual(reports?.sessionTags, { team: 'reporting', caller: 'broker-verify' });
    assert.equal(volcengine.calls[0]?.sourceIdentity, undefined);
    // Each check writes its INTENT before STS, then its VERIFY outcome.
    assert.deepEqual([...audit.decisions()].sort(), [
      'INTENT',
      'INTENT',
      'INTENT',
      'VERIFY',
      'VERIFY',
      'VERIFY',
    ]);
    assert.ok(
      audit.records.every(
        (record) =>
          record.callerKey === VERIFY_CALLER_KEY && (record.decision === 'INTENT' || record.reason === 'ok'),
      ),
    );
    assert.doesNotMatch(JSON.stringify(audit.records), new RegExp(`${SECRET_ACCESS_KEY}|${SESSION_TOKEN}`));
    assert.deepEqual(
      metrics.map((metric) => [metric.grantId, metric.status]),
      [
        ['reports-reader', 'ok'],
        ['doris-vault-rotation', 'ok'],
        ['tos-reader', 'ok'],
      ],
    );
  });

  it('records a refused grant as failed with the code and the provider detail, and checks the others', async () => {
    // Prepare
    const { run, audit, volcengine, metrics } = setup();
    const denied = Object.assign(new Error('not authorized to perform sts:AssumeRole'), {
      name: 'AccessDenied',
    });
    volcengine.failWith(mapStsError(denied));
    // Act
    const summary = await run();
    // Assess
    assert.deepEqual(summary, { checked: 3, ok: 2, failed: 1, disabled: 0, auditFailures: 0 });
    const failed = audit.records.find(
      (record) => record.grantId === 'tos-reader' && record.decision === 'VERIFY',
    );
    assert.equal(failed?.reason, 'not_allowed');
    assert.match(failed?.detail ?? '', /AccessDenied/);
    assert.deepEqual(
      metrics.find((metric) => metric.grantId === 'tos-reader'),
      { grantId: 'tos-reader', reason: 'not_allowed', status: 'failed' },
    );
  });

  it('skips disabled grants and fails the run when a VERIFY record is not written', async () => {
    // Prepare
    const input = sampleGrantsInput();
    const [first] = input.grants;
    if (first) first.disabled = true;
    const { run, audit, aws } = setup(sampleGrantsFile(input).grants);
    audit.failOnAppend(1);
    // Act
    const outcome = run();
    // Assess
    await assert.rejects(outcome, /1 VERIFY record\(s\) not written/);
    // The check whose INTENT did not commit called no STS; the other wrote INTENT and VERIFY.
    assert.deepEqual([...audit.decisions()].sort(), ['INTENT', 'VERIFY']);
    assert.ok(audit.records.every((record) => record.grantId !== 'reports-reader'));
    assert.ok(aws.calls.every((call) => !call.roleArn.endsWith(':role/reports-read')));
  });
});
