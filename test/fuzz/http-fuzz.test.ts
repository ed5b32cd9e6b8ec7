/**
 * Fuzzing POST /v1/credentials through the real HTTP chain and use case (fakes behind the
 * ports): hostile bodies, headers, authorizer blocks and policies, with and without
 * injected faults. FUZZ_RUNS cases (default 500; `npm run test:stress` runs 10,000).
 *
 * For every case: no 5xx unless a fault was injected, never a 500, errors are
 * problem+json, every response is no-store, credentials leave only with a committed
 * ISSUED record, no secret the issuer minted appears in a log line or audit record, and
 * every session policy the broker accepted (sent to STS, or shown by a dry run) lies inside
 * the grant's ceiling by the independent oracle of test/support/iam-oracle.ts. The
 * reports-reader ceiling here carries a Deny, so a broker that ignored ceiling Denies
 * would be caught.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { makeHandler } from '../../functions/issue-credentials/compose.js';
import type { Budget } from '../../lib/budget.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import type { AssumeRoleInput, IssuedSession, Issuer } from '../../lib/issuance/ports.js';
import { mapStsError } from '../../lib/providers/aws-sts.js';
import type { ProviderName } from '../../lib/providers/issuer.js';
import { FakeAuditStore, noMetrics, sampleSession, TEST_RATE_LIMITS } from '../support/fakes.js';
import { REPORTS_CEILING, sampleGrantsFile, sampleGrantsInput } from '../support/grants.js';
import { checkSamples, type OraclePolicy, samplePairs, WIDE_ALPHABET } from '../support/iam-oracle.js';
import { buildContext, buildEvent } from '../support/lambda.js';
import { type CapturedLogs, capturingLogger } from '../support/logs.js';
import { seededRandom } from '../support/seeded-random.js';
import { authorizer, type Faults, faults, headers, rawBody } from './http-arbitraries.js';
import { fuzzRuns } from './policy-support.js';

const RUNS = fuzzRuns(500);
const ALLOWED_STATUSES = new Set([200, 201, 400, 401, 403, 404, 413, 429, 503]);

/** Mints random secrets, records every one and every policy sent, and fails like STS when told to. */
class MintingIssuer implements Issuer {
  readonly minted: string[] = [];
  readonly policies: (string | undefined)[] = [];
  failure: string | undefined;

  constructor(readonly provider: ProviderName) {}

  async assume(input: AssumeRoleInput, _budget: Budget): Promise<IssuedSession> {
    this.policies.push(input.policy);
    if (this.failure) {
      const error = new Error(`injected ${this.failure} for ${input.roleArn}`);
      error.name = this.failure;
      throw mapStsError(error);
    }
    const session = sampleSession({
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
    });
    this.minted.push(session.secretAccessKey, session.sessionToken);
    return session;
  }
}

let logs: CapturedLogs;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const statusCounts = new Map<number, number>();
let checkedPolicies = 0;
/** What Object.prototype holds before any case: a parsed `__proto__` must not add to it. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

before(() => {
  logs = capturingLogger();
  process.on('unhandledRejection', onUnhandled);
});
after(() => {
  logs?.restore();
  process.off('unhandledRejection', onUnhandled);
});

/** The reports-reader ceiling with a Deny inside its Allow (in other letter case, as IAM allows). */
const FUZZ_CEILING = {
  ...REPORTS_CEILING,
  Statement: [
    ...REPORTS_CEILING.Statement,
    { Effect: 'Deny', Action: ['S3:GETOBJECT'], Resource: ['arn:aws:s3:::reports-bucket/private/*'] },
  ],
};
const grantsFile = (() => {
  const input = sampleGrantsInput();
  for (const grant of input.grants) if (grant.id === 'reports-reader') grant.policy = FUZZ_CEILING;
  return sampleGrantsFile(input);
})();
const allowList = makeAllowList(grantsFile);

/**
 * The session policy the broker accepted in this answer: the one sent to STS for a 201, the
 * one shown for a dry run; undefined when none was accepted.
 */
function acceptedPolicy(status: number, answer: Record<string, unknown>, sent: (string | undefined)[]) {
  if (status === 201) return sent.at(-1);
  if (status !== 200) return undefined;
  const document = (answer.sessionPolicy as { document?: unknown } | undefined)?.document;
  return document === undefined ? undefined : JSON.stringify(document);
}

/**
 * Fails when the oracle finds a pair the accepted policy allows and the grant's ceiling does
 * not. False when the grant has no ceiling (nothing to be inside of).
 */
function assertInsideCeiling(grantId: unknown, policy: string, seed: number): boolean {
  const grant = grantsFile.grants.find((candidate) => candidate.id === grantId);
  assert.ok(grant, `an accepted policy for an unknown grant ${String(grantId)}`);
  if (grant.policy === undefined) return false;
  const ceiling = grant.policy as unknown as OraclePolicy;
  const request = JSON.parse(policy) as OraclePolicy;
  const pairs = samplePairs(request, ceiling, grant.provider, seededRandom(seed), 32, [
    ...WIDE_ALPHABET,
    ...'/-',
  ]);
  const { escaped } = checkSamples(request, ceiling, grant.provider, pairs);
  assert.equal(escaped, undefined, `accepted ${policy} outside the ceiling of ${grant.id}`);
  return true;
}

function brokerWith(injected: Faults) {
  const audit = new FakeAuditStore();
  if (injected.auditFailsOn) audit.failOnDecision(injected.auditFailsOn);
  const aws = new MintingIssuer('aws');
  const volcengine = new MintingIssuer('volcengine');
  aws.failure = injected.stsFails;
  volcengine.failure = injected.stsFails;
  const handler = makeHandler(
    {
      allowList,
      audit,
      issuers: { aws, volcengine },
      newIssuanceId: () => `01FUZZ${randomBytes(10).toString('hex').toUpperCase()}`,
      clock: () => new Date(),
      roleChaining: true,
      rateLimiter: {
        knownOver: () => undefined,
        charge: async () =>
          injected.overRate
            ? { over: true, budget: 'requests', retryAfterSeconds: 17, known: false }
            : { over: false },
      },
      rateLimits: TEST_RATE_LIMITS,
      onAuditGap: (issuanceId, error) =>
        logs.logger.error('FAILED record not written', { issuanceId, error: String(error) }),
      metrics: noMetrics,
    },
    { logger: logs.logger, maxBodyBytes: 65_536 },
  );
  return {
    handler,
    audit,
    minted: () => [...aws.minted, ...volcengine.minted],
    sent: () => [...aws.policies, ...volcengine.policies],
  };
}

const faultInjected = (injected: Faults) =>
  injected.auditFailsOn !== undefined || injected.stsFails !== undefined;

describe(`HTTP fuzz: POST /v1/credentials (${RUNS} cases)`, () => {
  it('keeps every response well-formed, every secret out of logs and records, and 5xx for faults only', async (t) => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        rawBody,
        headers,
        authorizer,
        faults,
        fc.boolean(),
        fc.integer(),
        async (body, requestHeaders, authorizerBlock, injected, base64, seed) => {
          // Prepare
          const { handler, audit, minted, sent } = brokerWith(injected);
          const firstLine = logs.lines.length;
          const event = buildEvent({
            rawBody: base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
            isBase64Encoded: base64,
            headers: requestHeaders,
            authorizer: authorizerBlock,
          });
          // Act
          const response = await handler(event, buildContext());
          // Assess
          const status = response.statusCode ?? 0;
          statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
          assert.ok(ALLOWED_STATUSES.has(status), `status ${status}: ${response.body}`);
          if (status >= 500) assert.ok(faultInjected(injected), `5xx without a fault: ${response.body}`);
          assert.equal(response.headers?.['Cache-Control'], 'no-store');
          const answer = JSON.parse(response.body ?? 'null') as Record<string, unknown>;
          if (status >= 400) {
            assert.equal(response.headers?.['Content-Type'], 'application/problem+json');
            assert.equal(answer.status, status);
            assert.equal(typeof answer.code, 'string');
            assert.equal(answer.credentials, undefined);
          }
          if (status === 201) {
            const credentials = answer.credentials as { accessKeyId: string } | undefined;
            const issued = audit.records.filter((r) => r.decision === 'ISSUED');
            assert.equal(issued.length, 1, 'a 201 without a committed ISSUED record');
            assert.equal(issued[0]?.accessKeyId, credentials?.accessKeyId);
          }
          const accepted = acceptedPolicy(status, answer, sent());
          if (accepted !== undefined && assertInsideCeiling(answer.grant, accepted, seed)) checkedPolicies++;
          const secrets = minted();
          const delivered = status === 201 ? secrets : [];
          const recorded = JSON.stringify(audit.records);
          const logged = logs.lines.slice(firstLine).join('\n');
          for (const secret of secrets) {
            assert.ok(!recorded.includes(secret), 'a minted secret reached an audit record');
            assert.ok(!logged.includes(secret), 'a minted secret reached the logs');
            if (!delivered.includes(secret))
              assert.ok(!(response.body ?? '').includes(secret), 'undelivered');
          }
          assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_NAMES);
        },
      ),
      { numRuns: RUNS },
    );
    // Let a stray rejection from the last case surface before looking.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, [], 'unhandled rejections');
    assert.ok(logs.lines.length >= RUNS, 'the log capture saw a line per request: the secret search is real');
    // About 3.5 % of the random cases carry a policy the broker accepts (13–21 of 500 seen):
    // a floor of 1 % proves the ceiling check ran without failing on an unlucky draw.
    assert.ok(
      checkedPolicies >= RUNS / 100,
      `only ${checkedPolicies} accepted policies checked against a ceiling`,
    );
    const figures = {
      test: 'http-fuzz',
      runs: RUNS,
      ms: Date.now() - started,
      statuses: Object.fromEntries([...statusCounts].sort(([a], [b]) => a - b)),
      checkedPolicies,
    };
    t.diagnostic(JSON.stringify(figures));
    if (process.env.BROKER_STRESS_REPORT)
      appendFileSync(process.env.BROKER_STRESS_REPORT, `${JSON.stringify(figures)}\n`);
  });
});
