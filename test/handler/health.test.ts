/**
 * GET /v1/health through its real composition (functions/health/compose.ts), with fakes at
 * the identity and audit probes: healthy only when both round trips answer, a 503 with
 * Retry-After (and no internal detail) when either fails, an answer that parses with the
 * route contract, and no audit record either way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeHandler } from '../../functions/health/compose.js';
import type { Budget } from '../../lib/budget.js';
import { healthReport } from '../../lib/contracts/health.js';
import { dependencyUnavailable } from '../../lib/errors.js';
import { FakeAuditStore } from '../support/fakes.js';
import { buildContext, buildEvent, iamAuthorizer } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

const BROKER = {
  arn: 'arn:aws:sts::111111111111:assumed-role/credential-broker/broker',
  account: '111111111111',
};
const CALLER = 'arn:aws:sts::111111111111:assumed-role/reporting-service/w1';

function setup(failing: { sts?: boolean; audit?: boolean } = {}) {
  const probed: string[] = [];
  const audit = new FakeAuditStore();
  const handler = makeHandler(
    {
      identity: {
        async whoAmI(budget: Budget) {
          probed.push(`sts:${typeof budget.remainingMs()}`);
          if (failing.sts)
            throw dependencyUnavailable('sts', 'GetCallerIdentity: AccessDenied for arn:aws:iam::999');
          return BROKER;
        },
      },
      audit: {
        async probe(budget: Budget) {
          probed.push(`audit:${typeof budget.remainingMs()}`);
          if (failing.audit) throw dependencyUnavailable('audit', 'GetItem: ResourceNotFoundException');
        },
      },
      version: '1.2.3',
      table: 'credential-broker-test-audit',
    },
    { logger: silentLogger(), maxBodyBytes: 1024 },
  );
  const get = async (authorizer: unknown = iamAuthorizer(CALLER)) => {
    const response = await handler(
      buildEvent({ method: 'GET', path: '/v1/health', authorizer }),
      buildContext(),
    );
    return {
      status: response.statusCode,
      headers: response.headers ?? {},
      json: JSON.parse(String(response.body)) as Record<string, unknown>,
    };
  };
  return { get, probed, audit };
}

describe('GET /v1/health composition', () => {
  it('answers 200 with who the broker runs as and its table, after both round trips', async () => {
    // Prepare
    const { get, probed, audit } = setup();
    // Act
    const response = await get();
    // Assess
    assert.equal(response.status, 200);
    assert.equal(response.headers['Cache-Control'], 'no-store');
    assert.deepEqual(healthReport.parse(response.json), {
      status: 'ok',
      version: '1.2.3',
      identity: BROKER,
      table: { name: 'credential-broker-test-audit', status: 'ok' },
    });
    assert.deepEqual(probed.sort(), ['audit:number', 'sts:number']);
    assert.deepEqual(audit.records, []);
  });

  it('answers 503 with Retry-After and no internal detail when STS or the audit table fails', async () => {
    for (const failing of [{ sts: true }, { audit: true }]) {
      // Prepare
      const { get } = setup(failing);
      // Act
      const response = await get();
      // Assess
      assert.equal(response.status, 503, JSON.stringify(failing));
      assert.equal(response.json.code, 'dependency_unavailable');
      assert.ok(response.headers['Retry-After'], 'Retry-After');
      assert.doesNotMatch(JSON.stringify(response.json), /AccessDenied|ResourceNotFound|999/);
    }
  });

  it('answers 401 without an authenticated caller, probing nothing', async () => {
    // Prepare
    const { get, probed } = setup();
    // Act
    const response = await get(null);
    // Assess
    assert.equal(response.status, 401);
    assert.equal(response.json.code, 'unauthenticated');
    assert.deepEqual(probed, []);
  });
});
