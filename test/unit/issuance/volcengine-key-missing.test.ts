/**
 * The broker's Volcengine key is read by name at each issuance. When it is missing the
 * caller gets 503 provider_not_configured, nothing is sent to Volcengine, and the attempt
 * is on the audit trail: INTENT, then FAILED with the reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SecretStore, signingKeySource } from '../../../lib/config/secrets.js';
import { BrokerError } from '../../../lib/errors.js';
import { makeAllowList } from '../../../lib/grants/allow-list.js';
import { makeIssueCredentials } from '../../../lib/issuance/issue-credentials.js';
import { makeVolcengineIssuer } from '../../../lib/providers/volcengine-sts.js';
import { ampleBudget } from '../../support/budget.js';
import {
  FakeAuditStore,
  FakeIssuer,
  noMetrics,
  noRateLimit,
  TEST_RATE_LIMITS,
  type Timeline,
} from '../../support/fakes.js';
import { reportingCaller, sampleGrantsFile } from '../../support/grants.js';

const NAMES = {
  accessKeyId: '/credential-broker/prod/volcengine-access-key-id',
  secretAccessKey: '/x/secret',
};

function setup(values: Record<string, string>) {
  const timeline: Timeline = [];
  const audit = new FakeAuditStore(timeline);
  let sent = 0;
  const store: SecretStore = { read: async (name) => values[name] };
  const volcengine = makeVolcengineIssuer({
    endpoint: 'https://sts.volcengineapi.com',
    credentials: signingKeySource(store, NAMES),
    fetch: async () => {
      sent += 1;
      throw new Error('no request may leave without a key');
    },
  });
  const issue = makeIssueCredentials({
    allowList: makeAllowList(sampleGrantsFile()),
    audit,
    issuers: { aws: new FakeIssuer('aws', timeline), volcengine },
    newIssuanceId: () => '01JGZ8Q6Y3K4M5N6P7Q8R9S0TV',
    clock: () => new Date('2025-01-01T00:00:00.000Z'),
    roleChaining: true,
    rateLimiter: noRateLimit,
    rateLimits: TEST_RATE_LIMITS,
    metrics: noMetrics,
    onAuditGap: () => undefined,
  });
  const run = () =>
    issue(
      reportingCaller(),
      { grant: 'tos-reader' },
      { requestId: 'req-1', sourceIp: '198.51.100.7', userAgent: 'test/1.0', budget: ampleBudget() },
    );
  return { run, audit, sent: () => sent };
}

describe('Volcengine grant with the broker key missing from the secret store', () => {
  for (const [label, values] of [
    ['both halves missing', {}],
    ['the secret half missing', { [NAMES.accessKeyId]: 'AKLTexample' }],
  ] as const) {
    it(`answers 503 provider_not_configured with INTENT and FAILED records (${label})`, async () => {
      // Prepare
      const { run, audit, sent } = setup({ ...values });
      // Act
      const error = await run().then(
        () => assert.fail('issued without a key'),
        (caught: unknown) => caught,
      );
      // Assess
      assert.ok(error instanceof BrokerError);
      assert.equal(error.status, 503);
      assert.equal(error.code, 'provider_not_configured');
      assert.deepEqual(audit.decisions(), ['INTENT', 'FAILED']);
      assert.equal(audit.only('FAILED').reason, 'provider_not_configured');
      assert.equal(sent(), 0);
    });
  }
});
