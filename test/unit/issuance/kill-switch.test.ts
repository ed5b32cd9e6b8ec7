/**
 * The kill switch: `disabled: true` on a grant and `deniedCallers` in the grants file.
 * Both are read at cold start (a config deploy), and must refuse before any STS call,
 * with a 403 that says nothing about why and a DENIED record that does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerError } from '../../../lib/errors.js';
import { makeAllowList } from '../../../lib/grants/allow-list.js';
import { type IssueRequest, makeIssueCredentials } from '../../../lib/issuance/issue-credentials.js';
import { ampleBudget } from '../../support/budget.js';
import {
  FakeAuditStore,
  FakeIssuer,
  ignoreAuditGap,
  noMetrics,
  noRateLimit,
  TEST_RATE_LIMITS,
} from '../../support/fakes.js';
import {
  awsCallerOf,
  type GrantsFileInput,
  REPORTING_SERVICE,
  reportingCaller,
  sampleGrantsFile,
  sampleGrantsInput,
} from '../../support/grants.js';

function setup(edit: (input: GrantsFileInput) => void) {
  const input = sampleGrantsInput();
  edit(input);
  const allowList = makeAllowList(sampleGrantsFile(input));
  const audit = new FakeAuditStore();
  const aws = new FakeIssuer('aws');
  let issued = 0;
  const issue = makeIssueCredentials({
    allowList,
    audit,
    issuers: { aws, volcengine: new FakeIssuer('volcengine') },
    // A new id per request, as in production: the audit store refuses a second record under one id.
    newIssuanceId: () => `01JKILLSWITCH${String(++issued).padStart(13, '0')}`,
    clock: () => new Date('2025-01-01T00:00:00.000Z'),
    roleChaining: true,
    rateLimiter: noRateLimit,
    rateLimits: TEST_RATE_LIMITS,
    metrics: noMetrics,
    onAuditGap: ignoreAuditGap,
  });
  const run = (request: IssueRequest) =>
    issue(reportingCaller(), request, { requestId: 'req-1', budget: ampleBudget() });
  return { run, audit, aws, allowList };
}

async function refusal(promise: Promise<unknown>): Promise<BrokerError> {
  const error = await promise.then(
    () => assert.fail('expected a refusal'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof BrokerError);
  return error;
}

describe('kill switch', () => {
  it('a disabled grant refuses with a generic 403, a DENIED record and no STS call', async () => {
    // Prepare
    const { run, audit, aws } = setup((input) => {
      const [reports] = input.grants;
      if (reports) reports.disabled = true;
    });
    // Act
    const error = await refusal(run({ grant: 'reports-reader' }));
    // Assess
    assert.equal(error.status, 403);
    assert.equal(error.code, 'not_allowed');
    assert.doesNotMatch(error.message, /disabled/);
    assert.equal(audit.only('DENIED').reason, 'grant_disabled');
    assert.equal(aws.calls.length, 0);
  });

  it('a disabled grant also stops requests that name its role instead of its id', async () => {
    // Prepare
    const { run, audit, aws } = setup((input) => {
      const [reports] = input.grants;
      if (reports) reports.disabled = true;
    });
    // Act
    const error = await refusal(run({ roleArn: 'arn:aws:iam::222222222222:role/reports-read' }));
    // Assess
    assert.equal(error.status, 403);
    assert.equal(audit.only('DENIED').reason, 'grant_disabled');
    assert.equal(aws.calls.length, 0);
  });

  it('a denied caller is refused on every grant that names it', async () => {
    // Prepare
    const { run, audit, aws } = setup((input) => {
      input.deniedCallers = [REPORTING_SERVICE];
    });
    // Act
    const reports = await refusal(run({ grant: 'reports-reader' }));
    const tos = await refusal(run({ grant: 'tos-reader' }));
    // Assess
    assert.equal(reports.status, 403);
    assert.equal(tos.status, 403);
    assert.deepEqual(
      audit.records.map((r) => [r.decision, r.reason, r.grantId]),
      [
        ['DENIED', 'caller_denied', 'reports-reader'],
        ['DENIED', 'caller_denied', 'tos-reader'],
      ],
    );
    assert.equal(aws.calls.length, 0);
  });

  it('a denied caller matches whatever session name it uses, and loses auditor rights too', () => {
    // Prepare
    const auditor = 'arn:aws:iam::111111111111:role/security-audit';
    const { allowList } = setup((input) => {
      input.deniedCallers = [REPORTING_SERVICE, auditor];
    });
    // Act
    const verdict = allowList.authorize(reportingCaller('a-brand-new-session'), { grant: 'reports-reader' });
    const isAuditor = allowList.isAuditor(
      awsCallerOf('arn:aws:sts::111111111111:assumed-role/security-audit/bob'),
    );
    // Assess
    assert.deepEqual(verdict, { allowed: false, reason: 'caller_denied' });
    assert.equal(isAuditor, false);
  });

  it('other callers and grants keep working', async () => {
    // Prepare: only the Volcengine grant is switched off.
    const { run, aws } = setup((input) => {
      const tos = input.grants.find((g) => g.id === 'tos-reader');
      if (tos) tos.disabled = true;
    });
    // Act
    const outcome = await run({ grant: 'reports-reader' });
    // Assess
    assert.ok('credentials' in outcome);
    assert.equal(aws.calls.length, 1);
  });
});
