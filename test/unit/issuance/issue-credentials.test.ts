import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditRecord } from '../../../lib/audit/record.js';
import { BrokerError } from '../../../lib/errors.js';
import { makeAllowList } from '../../../lib/grants/allow-list.js';
import type { Caller } from '../../../lib/grants/caller.js';
import type { RequestFacts } from '../../../lib/http/request-facts.js';
import { type IssueRequest, makeIssueCredentials } from '../../../lib/issuance/issue-credentials.js';
import type { Issuers, RateLimiter } from '../../../lib/issuance/ports.js';
import type { DryRunResponse, IssuedResponse } from '../../../lib/issuance/responses.js';
import { sourceIdentity } from '../../../lib/issuance/session-identity.js';
import { mapStsError } from '../../../lib/providers/aws-sts.js';
import { ampleBudget } from '../../support/budget.js';
import {
  ACCESS_KEY_ID,
  FakeAuditStore,
  FakeIssuer,
  noMetrics,
  noRateLimit,
  SECRET_ACCESS_KEY,
  SESSION_TOKEN,
  TEST_RATE_LIMITS,
  type Timeline,
} from '../../support/fakes.js';
import {
  awsCallerOf,
  type GrantsFileInput,
  oidcRotationCaller,
  REPORTS_ROLE,
  reportingCaller,
  STRANGER,
  sampleGrantsFile,
  sampleGrantsInput,
  TOS_ROLE,
} from '../../support/grants.js';

const ISSUANCE_ID = '01JGZ8Q6Y3K4M5N6P7Q8R9S0TV';
const NOW = new Date('2025-01-01T00:00:00.000Z');

interface SetupOptions {
  grants?: GrantsFileInput;
  rateLimiter?: RateLimiter;
  withoutVolcengine?: boolean;
}

function setup(options: SetupOptions = {}) {
  const timeline: Timeline = [];
  const audit = new FakeAuditStore(timeline);
  const aws = new FakeIssuer('aws', timeline);
  const volcengine = new FakeIssuer('volcengine', timeline);
  const issuers: Issuers = options.withoutVolcengine ? { aws } : { aws, volcengine };
  const auditGaps: { issuanceId: string; error: unknown }[] = [];
  const facts: RequestFacts = {
    requestId: 'req-0001',
    sourceIp: '198.51.100.7',
    userAgent: 'test-client/1.0',
    budget: ampleBudget(),
  };
  const issue = makeIssueCredentials({
    allowList: makeAllowList(sampleGrantsFile(options.grants)),
    audit,
    issuers,
    newIssuanceId: () => ISSUANCE_ID,
    clock: () => NOW,
    roleChaining: true,
    rateLimiter: options.rateLimiter ?? noRateLimit,
    rateLimits: TEST_RATE_LIMITS,
    metrics: noMetrics,
    onAuditGap: (issuanceId, error) => auditGaps.push({ issuanceId, error }),
  });
  const run = (request: IssueRequest, caller: Caller = reportingCaller()) => issue(caller, request, facts);
  return { run, audit, aws, volcengine, timeline, auditGaps, facts };
}

async function rejection(promise: Promise<unknown>): Promise<BrokerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BrokerError) return error;
    throw error;
  }
  assert.fail('expected the issuance to be refused');
}

function issued(outcome: IssuedResponse | DryRunResponse): IssuedResponse {
  assert.ok(!('dryRun' in outcome), 'expected an issued response');
  return outcome;
}

const noSecretsIn = (value: unknown) => {
  const text = JSON.stringify(value);
  assert.ok(!text.includes(SECRET_ACCESS_KEY), 'secret access key leaked');
  assert.ok(!text.includes(SESSION_TOKEN), 'session token leaked');
};

describe('issueCredentials: the happy path', () => {
  it('writes INTENT, calls STS, writes ISSUED, then returns the credentials', async () => {
    // Prepare
    const { run, timeline } = setup();
    // Act
    const outcome = issued(await run({ grant: 'reports-reader' }));
    // Assess
    assert.deepEqual(timeline, ['audit:INTENT', 'sts:aws', 'audit:ISSUED']);
    assert.deepEqual(outcome.credentials, {
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      sessionToken: SESSION_TOKEN,
      expiration: '2025-01-01T01:00:00.000Z',
    });
    assert.equal(outcome.issuanceId, ISSUANCE_ID);
    assert.equal(outcome.roleArn, REPORTS_ROLE);
    assert.equal(outcome.durationSeconds, 900);
  });

  it('sends STS only values from the grant and the authenticated caller (invariant 5)', async () => {
    // Prepare
    const { run, aws } = setup();
    // Act
    await run({ grant: 'reports-reader' }, reportingCaller('pretend-admin'));
    // Assess
    const [call] = aws.calls;
    assert.ok(call);
    assert.equal(call.roleArn, REPORTS_ROLE);
    assert.equal(call.externalId, 'reports-7f3a');
    assert.equal(call.sourceIdentity, sourceIdentity(reportingCaller()));
    assert.equal(call.roleSessionName, `reporting-service.${ISSUANCE_ID.slice(-10)}`);
    assert.deepEqual(call.sessionTags, { team: 'reporting', caller: 'reporting-service' });
    assert.equal(call.durationSeconds, 900);
    // No request policy: the grant's ceiling is the session policy.
    assert.deepEqual(JSON.parse(call.policy ?? 'null').Statement[0].Action, [
      's3:GetObject',
      's3:ListBucket',
    ]);
    assert.ok(!JSON.stringify(call).includes('pretend-admin'));
  });

  it('records who, what, and how, but never a secret (invariant 10)', async () => {
    // Prepare
    const { run, audit } = setup();
    // Act
    await run({ grant: 'reports-reader', durationSeconds: 1800 });
    // Assess
    const intent = audit.only('INTENT');
    const outcome = audit.only('ISSUED');
    const common: Partial<AuditRecord> = {
      issuanceId: ISSUANCE_ID,
      at: NOW.toISOString(),
      callerKey: 'aws:111111111111:role/reporting-service',
      callerPrincipal: 'arn:aws:sts::111111111111:assumed-role/reporting-service/i-0abc123',
      callerKind: 'aws',
      grantId: 'reports-reader',
      provider: 'aws',
      roleArn: REPORTS_ROLE,
      durationSeconds: 1800,
      durationBound: 'grant_maximum',
      roleSessionName: `reporting-service.${ISSUANCE_ID.slice(-10)}`,
      sourceIdentity: sourceIdentity(reportingCaller()),
      requestId: 'req-0001',
      sourceIp: '198.51.100.7',
      userAgent: 'test-client/1.0',
    };
    for (const record of [intent, outcome]) {
      for (const [key, value] of Object.entries(common))
        assert.equal(record[key as keyof AuditRecord], value, key);
      assert.equal(record.policySha256?.length, 64);
      assert.ok((record.policySize ?? 0) > 0);
    }
    assert.equal(intent.accessKeyId, undefined);
    assert.equal(outcome.accessKeyId, ACCESS_KEY_ID);
    assert.equal(outcome.expiration, '2025-01-01T01:00:00.000Z');
    assert.match(outcome.assumedRoleArn ?? '', /assumed-role\/reports-read\//);
    noSecretsIn(audit.records);
  });

  it('passes the request budget to the audit store', async () => {
    // Prepare
    const { run, audit, facts } = setup();
    // Act
    await run({ grant: 'reports-reader' });
    // Assess
    assert.ok(audit.budgets.length > 0);
    for (const budget of audit.budgets) assert.equal(budget, facts.budget);
  });

  it('cuts a hostile user agent to 256 characters in the record', async () => {
    // Prepare
    const { run, audit, facts } = setup();
    facts.userAgent = 'A'.repeat(10_000);
    // Act
    await run({ grant: 'reports-reader' });
    // Assess
    assert.equal(audit.only('INTENT').userAgent?.length, 256);
  });

  it('issues for a Volcengine grant without ExternalId or SourceIdentity', async () => {
    // Prepare
    const { run, volcengine, aws } = setup();
    // Act
    const outcome = issued(await run({ roleArn: TOS_ROLE }));
    // Assess
    assert.equal(aws.calls.length, 0);
    const [call] = volcengine.calls;
    assert.equal(call?.roleArn, TOS_ROLE);
    assert.equal(call?.externalId, undefined);
    assert.equal(call?.sourceIdentity, undefined);
    assert.equal(outcome.provider, 'volcengine');
  });

  it('issues for an OIDC caller named by a grant', async () => {
    // Prepare
    const { run, aws, audit } = setup();
    // Act
    await run({ grant: 'doris-vault-rotation' }, oidcRotationCaller());
    // Assess
    assert.equal(aws.calls[0]?.sourceIdentity, sourceIdentity(oidcRotationCaller()));
    assert.match(aws.calls[0]?.sourceIdentity ?? '', /^oidc\.rotation-job\.[\w-]{12}$/);
    assert.equal(audit.only('ISSUED').callerKind, 'oidc');
  });
});

describe('issueCredentials: audit fails closed (invariant 8)', () => {
  it('makes no STS call when the INTENT record does not commit', async () => {
    // Prepare
    const { run, audit, aws, timeline } = setup();
    audit.failOnAppend(1);
    // Act
    const error = await rejection(run({ grant: 'reports-reader' }));
    // Assess
    assert.equal(error.status, 503);
    assert.ok(error.retryAfterSeconds !== undefined);
    assert.equal(aws.calls.length, 0);
    assert.deepEqual(timeline, ['audit:INTENT:failed']);
  });

  it('withholds the credentials when the ISSUED record does not commit', async () => {
    // Prepare
    const { run, audit, aws, timeline } = setup();
    audit.failOnAppend(2);
    // Act
    const error = await rejection(run({ grant: 'reports-reader' }));
    // Assess
    assert.equal(error.status, 503);
    assert.equal(aws.calls.length, 1);
    assert.deepEqual(timeline, ['audit:INTENT', 'sts:aws', 'audit:ISSUED:failed']);
    // The INTENT stays as the trace of a session minted but never delivered.
    assert.deepEqual(audit.decisions(), ['INTENT']);
    noSecretsIn({ message: error.message, reason: error.internalReason, fields: error.fields });
  });

  it('records FAILED with the provider reason when STS refuses, and passes the refusal on', async () => {
    // Prepare
    const { run, audit, aws, timeline } = setup();
    const stsError = Object.assign(
      new Error('User: arn:aws:sts::999999999999:assumed-role/broker/x is not authorized'),
      {
        name: 'AccessDenied',
      },
    );
    aws.failWith(mapStsError(stsError));
    // Act
    const error = await rejection(run({ grant: 'reports-reader' }));
    // Assess
    assert.equal(error.status, 403);
    assert.doesNotMatch(error.message, /arn:/);
    assert.deepEqual(timeline, ['audit:INTENT', 'sts:aws', 'audit:FAILED']);
    const failed = audit.only('FAILED');
    assert.equal(failed.reason, 'not_allowed');
    assert.match(failed.detail ?? '', /AccessDenied/);
    assert.equal(failed.accessKeyId, undefined);
  });

  it('records FAILED as issuer_error for an unexpected issuer failure and rethrows it unchanged', async () => {
    // Prepare
    const { run, audit, aws } = setup();
    const boom = new TypeError('unexpected');
    aws.failWith(boom);
    // Act
    const promise = run({ grant: 'reports-reader' });
    // Assess
    await assert.rejects(promise, (error: unknown) => error === boom);
    assert.equal(audit.only('FAILED').reason, 'issuer_error');
  });

  it('keeps the STS error (not the audit one) when the FAILED record cannot be written, and reports the gap', async () => {
    // Prepare
    const { run, audit, aws, auditGaps } = setup();
    aws.failWith(
      mapStsError(
        Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }),
      ),
    );
    audit.failOnDecision('FAILED');
    // Act
    const error = await rejection(run({ grant: 'reports-reader' }));
    // Assess
    assert.equal(error.status, 503);
    assert.match(error.internalReason ?? '', /Throttling/);
    assert.deepEqual(audit.decisions(), ['INTENT']);
    assert.deepEqual(
      auditGaps.map((gap) => gap.issuanceId),
      [ISSUANCE_ID],
    );
  });
});

describe('issueCredentials: refusals are audited as DENIED (invariant 4)', () => {
  it('refuses a caller no grant names with a generic 403 and a DENIED record', async () => {
    // Prepare
    const { run, audit, aws } = setup();
    // Act
    const error = await rejection(run({ roleArn: REPORTS_ROLE }, awsCallerOf(STRANGER)));
    // Assess
    assert.equal(error.status, 403);
    assert.equal(error.code, 'not_allowed');
    assert.doesNotMatch(error.message, /arn:|reports|stranger/i);
    assert.equal(aws.calls.length, 0);
    const denied = audit.only('DENIED');
    assert.equal(denied.reason, 'no_matching_grant');
    assert.equal(denied.roleArn, REPORTS_ROLE);
    assert.equal(denied.callerKey, 'aws:111111111111:role/stranger');
    assert.deepEqual(audit.decisions(), ['DENIED']);
  });

  it('answers 503, not a silent 403, when even the DENIED record cannot be written', async () => {
    // Prepare
    const { run, audit, aws } = setup();
    audit.failOnAppend(1);
    // Act
    const error = await rejection(run({ grant: 'reports-reader' }, awsCallerOf(STRANGER)));
    // Assess
    assert.equal(error.status, 503);
    assert.equal(aws.calls.length, 0);
  });

  it('refuses a role held by two grants of this caller with 400 and a DENIED record', async () => {
    // Prepare
    const grants = sampleGrantsInput();
    grants.grants.push({
      id: 'reports-reader-2',
      callers: ['arn:aws:iam::111111111111:role/reporting-service'],
      provider: 'aws',
      roleArn: REPORTS_ROLE,
    });
    const { run, audit, aws } = setup({ grants });
    // Act
    const error = await rejection(run({ roleArn: REPORTS_ROLE }));
    // Assess
    assert.equal(error.status, 400);
    assert.equal(error.code, 'ambiguous_role');
    assert.equal(audit.only('DENIED').reason, 'ambiguous_role');
    assert.equal(aws.calls.length, 0);
  });

  it('refuses an out-of-range duration before any STS call, with the range and a DENIED record', async () => {
    // Prepare
    const { run, audit, aws } = setup();
    // Act
    const error = await rejection(run({ grant: 'reports-reader', durationSeconds: 3601 }));
    // Assess
    assert.equal(error.status, 400);
    assert.equal(error.code, 'duration_out_of_range');
    assert.match(error.message, /900 to 3600/);
    assert.equal(aws.calls.length, 0);
    const denied = audit.only('DENIED');
    assert.equal(denied.reason, 'duration_out_of_range');
    assert.equal(denied.grantId, 'reports-reader');
    assert.deepEqual(audit.decisions(), ['DENIED']);
  });

  it('refuses a policy outside the ceiling before any STS call (invariant 7)', async () => {
    // Prepare
    const { run, audit, aws } = setup();
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    };
    // Act
    const error = await rejection(run({ grant: 'reports-reader', policy }));
    // Assess
    assert.equal(error.code, 'policy_outside_ceiling');
    assert.equal(aws.calls.length, 0);
    assert.equal(audit.only('DENIED').reason, 'policy_outside_ceiling');
  });

  it('sends a contained request policy instead of the ceiling', async () => {
    // Prepare
    const { run, aws } = setup();
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports-bucket/2024/*' },
      ],
    };
    // Act
    await run({ grant: 'reports-reader', policy });
    // Assess
    assert.deepEqual(JSON.parse(aws.calls[0]?.policy ?? 'null'), policy);
  });

  it('answers 503 without an INTENT, recorded FAILED, when the provider of the grant is not configured', async () => {
    // Prepare
    const { run, audit } = setup({ withoutVolcengine: true });
    // Act
    const error = await rejection(run({ grant: 'tos-reader' }));
    // Assess
    assert.equal(error.status, 503);
    assert.deepEqual(audit.decisions(), ['FAILED']);
    assert.equal(audit.only('FAILED').reason, 'provider_not_configured');
  });
});

describe('issueCredentials: dry run', () => {
  it('explains the decision, records DRY_RUN and makes no STS call', async () => {
    // Prepare
    const { run, audit, aws, volcengine } = setup();
    // Act
    const outcome = await run({ grant: 'reports-reader', durationSeconds: 1800, dryRun: true });
    // Assess
    assert.equal(aws.calls.length + volcengine.calls.length, 0);
    assert.deepEqual(audit.decisions(), ['DRY_RUN']);
    assert.ok('dryRun' in outcome);
    assert.equal(outcome.decision, 'allow');
    assert.equal(outcome.durationSeconds, 1800);
    assert.deepEqual(outcome.durationRange, { min: 900, max: 3600, maxSetBy: 'grant_maximum' });
    assert.equal(outcome.sessionPolicy.source, 'ceiling');
    assert.equal(outcome.sourceIdentity, sourceIdentity(reportingCaller()));
    assert.ok(!('credentials' in outcome));
  });

  it('still refuses (and audits) what a real request would be refused', async () => {
    // Prepare
    const { run, audit, aws } = setup();
    // Act
    const error = await rejection(run({ grant: 'reports-reader', durationSeconds: 7200, dryRun: true }));
    // Assess
    assert.equal(error.code, 'duration_out_of_range');
    assert.deepEqual(audit.decisions(), ['DENIED']);
    assert.equal(aws.calls.length, 0);
  });
});
