/**
 * Every exit path of the issuance use case, with injected faults: each authenticated request
 * ends in exactly one terminal record (ISSUED, DENIED, FAILED, DRY_RUN, RATE_LIMITED or
 * UNKNOWN), rate limits are charged before any refusal is written, a caller already known to
 * be over costs no write at all, and an issuance charges its rate side by side with the INTENT.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditRecord } from '../../../lib/audit/record.js';
import { BrokerError, dependencyUnavailable, forbidden } from '../../../lib/errors.js';
import { makeAllowList } from '../../../lib/grants/allow-list.js';
import { type Caller, oidcCaller } from '../../../lib/grants/caller.js';
import { type IssueRequest, makeIssueCredentials } from '../../../lib/issuance/issue-credentials.js';
import type { IssuanceMetrics, Issuers, RateLimiter } from '../../../lib/issuance/ports.js';
import { ampleBudget } from '../../support/budget.js';
import {
  FakeAuditStore,
  FakeIssuer,
  FakeRateLimiter,
  ignoreAuditGap,
  noMetrics,
  TEST_RATE_LIMITS,
  type Timeline,
} from '../../support/fakes.js';
import {
  type GrantsFileInput,
  reportingCaller,
  sampleGrantsFile,
  sampleGrantsInput,
} from '../../support/grants.js';

const TERMINAL = new Set(['ISSUED', 'DENIED', 'FAILED', 'DRY_RUN', 'RATE_LIMITED', 'UNKNOWN']);

interface Options {
  grants?: GrantsFileInput;
  over?: string[];
  withoutVolcengine?: boolean;
  rateLimiter?: RateLimiter;
  metrics?: IssuanceMetrics;
}

function setup(options: Options = {}) {
  const timeline: Timeline = [];
  const audit = new FakeAuditStore(timeline);
  const aws = new FakeIssuer('aws', timeline);
  const volcengine = new FakeIssuer('volcengine', timeline);
  const limiter = new FakeRateLimiter(timeline, new Set(options.over ?? []));
  const issuers: Issuers = options.withoutVolcengine ? { aws } : { aws, volcengine };
  let ids = 0;
  const issue = makeIssueCredentials({
    allowList: makeAllowList(sampleGrantsFile(options.grants)),
    audit,
    issuers,
    rateLimiter: options.rateLimiter ?? limiter,
    rateLimits: TEST_RATE_LIMITS,
    metrics: options.metrics ?? noMetrics,
    newIssuanceId: () => `01EXITPATH${String(++ids).padStart(16, '0')}`,
    clock: () => new Date('2025-01-01T00:00:00Z'),
    onAuditGap: ignoreAuditGap,
    roleChaining: true,
  });
  const run = (request: IssueRequest, caller: Caller = reportingCaller()) =>
    issue(caller, request, { requestId: 'req', budget: ampleBudget() });
  return { run, audit, aws, limiter, timeline };
}

/** The status of the refusal, or 'ok'. */
async function outcome(attempt: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await attempt;
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof BrokerError, `expected a BrokerError, got ${String(error)}`);
    return error.status;
  }
}

/** Exactly one terminal record for the request, and it is this one. */
function assertTerminal(records: AuditRecord[], decision: string, reason?: string): void {
  const terminal = records.filter((record) => TERMINAL.has(record.decision));
  assert.equal(terminal.length, 1, `expected one terminal record, got ${records.map((r) => r.decision)}`);
  assert.equal(terminal[0]?.decision, decision);
  if (reason !== undefined) assert.equal(terminal[0]?.reason, reason);
}

describe('issuance exit paths: one terminal record each', () => {
  it('issued: INTENT then ISSUED', async () => {
    const { run, audit } = setup();
    assert.equal(await outcome(run({ grant: 'reports-reader' })), 'ok');
    assert.deepEqual(audit.decisions(), ['INTENT', 'ISSUED']);
  });

  it('no grant: DENIED after the caller was charged', async () => {
    const { run, audit, timeline } = setup();
    assert.equal(
      await outcome(run({ grant: 'reports-reader' }, oidcCaller('https://x.example', 'nobody'))),
      403,
    );
    assertTerminal(audit.records, 'DENIED', 'no_matching_grant');
    assert.deepEqual(timeline, ['rate', 'audit:DENIED']);
  });

  it('ambiguous role and an out-of-range duration: DENIED with the code', async () => {
    const { run, audit } = setup();
    assert.equal(await outcome(run({ grant: 'reports-reader', durationSeconds: 99_999 })), 400);
    assertTerminal(audit.records, 'DENIED', 'duration_out_of_range');
  });

  it('a grant the broker cannot serve for this caller (5xx while planning): FAILED', async () => {
    // Prepare: a session tag naming the caller, and an OIDC subject no tag value may hold
    const input = sampleGrantsInput();
    const grant = input.grants.find((g) => g.id === 'doris-vault-rotation');
    assert.ok(grant && grant.provider === 'aws');
    grant.sessionTags = { who: '{caller.name}' };
    const { run, audit } = setup({ grants: input });
    const caller = oidcCaller(grant.callers.find((c) => typeof c !== 'string')?.issuer ?? '', 'rotation-job');
    const odd = { ...caller, name: 'bad\u0000name', subject: 'rotation-job' };
    // Act
    const error = await run({ grant: 'doris-vault-rotation' }, odd).then(
      () => assert.fail('expected a refusal'),
      (refused: unknown) => refused,
    );
    // Assess: the FAILED record carries the internal reason for auditors (the answer does not)
    assert.ok(error instanceof BrokerError);
    assert.equal(error.status, 500);
    assertTerminal(audit.records, 'FAILED', 'grant_misconfigured');
    assert.ok(error.internalReason);
    assert.equal(audit.records.at(-1)?.detail, error.internalReason);
  });

  it('provider not configured: FAILED, no INTENT', async () => {
    const { run, audit } = setup({ withoutVolcengine: true });
    assert.equal(await outcome(run({ grant: 'tos-reader' })), 503);
    assert.deepEqual(audit.decisions(), ['FAILED']);
    assertTerminal(audit.records, 'FAILED', 'provider_not_configured');
  });

  it('dry run: DRY_RUN', async () => {
    const { run, audit } = setup();
    assert.equal(await outcome(run({ grant: 'reports-reader', dryRun: true })), 'ok');
    assertTerminal(audit.records, 'DRY_RUN');
  });

  it('dry run over the request budget: RATE_LIMITED, not DRY_RUN', async () => {
    const { run, audit } = setup({ over: ['requests'] });
    assert.equal(await outcome(run({ grant: 'reports-reader', dryRun: true })), 429);
    assertTerminal(audit.records, 'RATE_LIMITED', 'over_requests');
  });

  it('a refusal over the request budget: RATE_LIMITED instead of DENIED', async () => {
    const { run, audit } = setup({ over: ['requests'] });
    assert.equal(
      await outcome(run({ grant: 'reports-reader' }, oidcCaller('https://x.example', 'nobody'))),
      429,
    );
    assertTerminal(audit.records, 'RATE_LIMITED');
  });

  it('an issuance over its grant budget: the INTENT is closed RATE_LIMITED and STS is not called', async () => {
    const { run, audit, aws } = setup({ over: ['grant:reports-reader'] });
    assert.equal(await outcome(run({ grant: 'reports-reader' })), 429);
    assert.deepEqual(audit.decisions(), ['INTENT', 'RATE_LIMITED']);
    assert.equal(aws.calls.length, 0);
  });

  it('a rate-limiter outage on an issuance: INTENT closed FAILED, 503, no STS call', async () => {
    const { run, audit, aws, limiter } = setup();
    limiter.failure = dependencyUnavailable('rate limit', 'UpdateItem: TimeoutError');
    assert.equal(await outcome(run({ grant: 'reports-reader' })), 503);
    assert.deepEqual(audit.decisions(), ['INTENT', 'FAILED']);
    assertTerminal(audit.records, 'FAILED', 'dependency_unavailable');
    assert.equal(aws.calls.length, 0);
  });

  it('a rate-limiter outage on a refusal: FAILED, 503', async () => {
    const { run, audit, limiter } = setup();
    limiter.failure = dependencyUnavailable('rate limit', 'UpdateItem: TimeoutError');
    assert.equal(
      await outcome(run({ grant: 'reports-reader' }, oidcCaller('https://x.example', 'nobody'))),
      503,
    );
    assertTerminal(audit.records, 'FAILED', 'dependency_unavailable');
  });

  it('the INTENT does not commit: 503, no STS call, nothing recorded', async () => {
    const { run, audit, aws } = setup();
    audit.failOnDecision('INTENT');
    assert.equal(await outcome(run({ grant: 'reports-reader' })), 503);
    assert.deepEqual(audit.decisions(), []);
    assert.equal(aws.calls.length, 0);
  });

  it('STS answers with an error: FAILED', async () => {
    const { run, audit, aws } = setup();
    aws.failWith(forbidden('sts AccessDenied'));
    assert.equal(await outcome(run({ grant: 'reports-reader' })), 403);
    assertTerminal(audit.records, 'FAILED', 'not_allowed');
  });

  it('STS was called and did not answer (timeout after sending): UNKNOWN, listed unconfirmed', async () => {
    const { run, audit, aws } = setup();
    aws.failWith(dependencyUnavailable('sts', 'TimeoutError', undefined, { outcomeUnknown: true }));
    assert.equal(await outcome(run({ grant: 'reports-reader' })), 503);
    assert.deepEqual(audit.decisions(), ['INTENT', 'UNKNOWN']);
    assertTerminal(audit.records, 'UNKNOWN', 'dependency_unavailable');
  });

  it('the ISSUED record does not commit: 503 and credentials withheld, the INTENT stays unconfirmed', async () => {
    const { run, audit, aws } = setup();
    audit.failOnDecision('ISSUED');
    assert.equal(await outcome(run({ grant: 'reports-reader' })), 503);
    assert.deepEqual(audit.decisions(), ['INTENT']);
    assert.equal(aws.calls.length, 1);
  });
});

describe('rate limits before audit writes', () => {
  it('a caller known to be over is refused with no charge and no record', async () => {
    // Prepare: the first refused request teaches the instance
    const { run, audit, limiter } = setup({ over: ['requests'] });
    const stranger = oidcCaller('https://x.example', 'flooder');
    await outcome(run({ grant: 'reports-reader' }, stranger));
    const chargesBefore = limiter.charged.length;
    // Act: a flood from the same caller
    const statuses = [];
    for (let i = 0; i < 50; i++) statuses.push(await outcome(run({ grant: 'reports-reader' }, stranger)));
    // Assess
    assert.ok(statuses.every((status) => status === 429));
    assert.equal(limiter.charged.length, chargesBefore);
    assert.deepEqual(audit.decisions(), ['RATE_LIMITED']);
  });

  it('a caller known to be over a grant budget is refused before its INTENT: no write, no charge', async () => {
    // Prepare: the first issuance over the grant budget teaches the instance
    const { run, audit, aws, limiter } = setup({ over: ['grant:reports-reader'] });
    await outcome(run({ grant: 'reports-reader' }));
    const recordsBefore = audit.decisions();
    const chargesBefore = limiter.charged.length;
    // Act
    const status = await outcome(run({ grant: 'reports-reader' }));
    // Assess
    assert.equal(status, 429);
    assert.deepEqual(recordsBefore, ['INTENT', 'RATE_LIMITED']);
    assert.deepEqual(audit.decisions(), recordsBefore);
    assert.equal(limiter.charged.length, chargesBefore);
    assert.equal(aws.calls.length, 0);
  });

  it('an issuance charges the request and the grant budgets in one call', async () => {
    const { run, limiter } = setup();
    await run({ grant: 'reports-reader' });
    assert.deepEqual(limiter.charged, [['requests', 'grant:reports-reader']]);
  });

  it('an issuance sends the INTENT without waiting for the rate counters (no extra round trip)', async () => {
    // Prepare: counters that answer only once the INTENT has reached the audit store; a use
    // case that waited for them before writing the INTENT would never get an answer.
    const timeline: Timeline = [];
    const audit = new FakeAuditStore(timeline);
    let intentSeen: () => void = () => undefined;
    const intentArrived = new Promise<void>((resolve) => {
      intentSeen = resolve;
    });
    const original = audit.append.bind(audit);
    audit.append = async (record, budget) => {
      if (record.decision === 'INTENT') intentSeen();
      return original(record, budget);
    };
    const waitingLimiter: RateLimiter = {
      knownOver: () => undefined,
      charge: async () => {
        const deadlock = new Promise<'deadlock'>((resolve) =>
          setTimeout(() => resolve('deadlock'), 2_000).unref(),
        );
        const first = await Promise.race([intentArrived.then(() => 'intent' as const), deadlock]);
        assert.equal(first, 'intent', 'the INTENT was not sent while the counters were pending');
        return { over: false };
      },
    };
    const issue = makeIssueCredentials({
      allowList: makeAllowList(sampleGrantsFile()),
      audit,
      issuers: { aws: new FakeIssuer('aws', timeline) },
      rateLimiter: waitingLimiter,
      rateLimits: TEST_RATE_LIMITS,
      metrics: noMetrics,
      newIssuanceId: () => '01PARALLEL000000000000000A',
      clock: () => new Date(),
      onAuditGap: ignoreAuditGap,
      roleChaining: true,
    });
    // Act
    await issue(reportingCaller(), { grant: 'reports-reader' }, { requestId: 'r', budget: ampleBudget() });
    // Assess
    assert.deepEqual(timeline, ['audit:INTENT', 'sts:aws', 'audit:ISSUED']);
  });
});

/** Every metric the use case emits, in order. */
class RecordingMetrics implements IssuanceMetrics {
  readonly denials: string[] = [];
  readonly failures: string[] = [];
  readonly latencies: { dependency: string; ms: number }[] = [];
  request() {}
  issued() {}
  denied(reason: string) {
    this.denials.push(reason);
  }
  failed(dependency: string) {
    this.failures.push(dependency);
  }
  latency(dependency: string, ms: number) {
    this.latencies.push({ dependency, ms });
  }
}

describe('issuance metrics', () => {
  it('counts a rate-limited request as denied rate_limited, whether charged or already known', async () => {
    // Prepare
    const metrics = new RecordingMetrics();
    const { run } = setup({ over: ['requests'], metrics });
    // Act: the first request is charged and found over, the second is known to be over
    const statuses = [
      await outcome(run({ grant: 'reports-reader' })),
      await outcome(run({ grant: 'reports-reader' })),
    ];
    // Assess
    assert.deepEqual(statuses, [429, 429]);
    assert.deepEqual(metrics.denials, ['rate_limited', 'rate_limited']);
  });

  it('measures each audit write and the STS call, with durations inside the request', async () => {
    // Prepare
    const metrics = new RecordingMetrics();
    const { run } = setup({ metrics });
    // Act
    const started = performance.now();
    await run({ grant: 'reports-reader' });
    const elapsed = performance.now() - started;
    // Assess: INTENT, STS, ISSUED
    assert.deepEqual(
      metrics.latencies.map((l) => l.dependency),
      ['audit', 'sts', 'audit'],
    );
    for (const { ms } of metrics.latencies)
      assert.ok(ms >= 0 && ms <= elapsed, `latency ${ms} of ${elapsed} ms`);
    assert.deepEqual(metrics.failures, []);
  });

  it('measures a failed STS call too, and counts it as failed', async () => {
    // Prepare
    const metrics = new RecordingMetrics();
    const { run, aws } = setup({ metrics });
    aws.failWith(dependencyUnavailable('sts', 'ThrottlingException'));
    // Act
    await outcome(run({ grant: 'reports-reader' }));
    // Assess
    assert.deepEqual(metrics.failures, ['sts']);
    assert.ok(metrics.latencies.some((l) => l.dependency === 'sts'));
  });
});
