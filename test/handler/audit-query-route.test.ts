/**
 * The audit-query route through the real HTTP chain: auditors only (checked before the
 * query string is even read, the refusal recorded as AUDIT_DENIED), a per-caller rate,
 * strict parameters, 404 for an unknown issuance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditQueries } from '../../lib/audit/queries.js';
import { auditQueryRoute } from '../../lib/audit/query-route.js';
import { httpHandler } from '../../lib/http/handler.js';
import { AUDITOR, auditGateOnFakes, NOT_AUDITOR } from '../support/audit-gate.js';
import { getAsCaller } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

function setup(options: { overAudit?: boolean } = {}) {
  const calls: unknown[][] = [];
  const { admitAuditor, audit, rateLimiter: limiter } = auditGateOnFakes(options);
  const queries: AuditQueries = {
    list: async (filters, page, budget) => {
      calls.push(['list', filters, page, typeof budget.remainingMs()]);
      return { items: [], servedBy: { index: 'byDay', postFilters: [] } };
    },
    issuance: async (id) => {
      calls.push(['issuance', id]);
      return id === 'ISS00000001' ? { issuanceId: id, status: 'UNCONFIRMED', items: [] } : undefined;
    },
  };
  const route = auditQueryRoute({ queries, admitAuditor });
  const handler = httpHandler(route, { logger: silentLogger(), maxBodyBytes: 1024 });
  const get = getAsCaller(handler);
  return { get, calls, audit, limiter };
}

describe('GET /v1/issuances', () => {
  it('refuses a non-auditor with a generic 403 before reading the query, and records AUDIT_DENIED', async () => {
    // Prepare
    const { get, calls, audit } = setup();
    // Act
    const valid = await get(NOT_AUDITOR, '/v1/issuances', { caller: NOT_AUDITOR });
    const invalid = await get(NOT_AUDITOR, '/v1/issuances', { bogus: '1' });
    const own = await get(NOT_AUDITOR, '/v1/issuances/ISS00000001', undefined, 'ISS00000001');
    // Assess
    assert.deepEqual([valid.statusCode, invalid.statusCode, own.statusCode], [403, 403, 403]);
    assert.equal(valid.json.detail, 'This caller may not perform this action.');
    assert.equal(calls.length, 0);
    assert.deepEqual(audit.decisions(), ['AUDIT_DENIED', 'AUDIT_DENIED', 'AUDIT_DENIED']);
    assert.equal(audit.records[0]?.callerKey, 'aws:111111111111:role/reporting-service');
    assert.equal(audit.records[0]?.reason, 'not_an_auditor');
  });

  it('charges every audit request to the caller, auditors included', async () => {
    // Prepare
    const { get, limiter } = setup();
    // Act
    await get(AUDITOR, '/v1/issuances');
    await get(NOT_AUDITOR, '/v1/issuances');
    // Assess
    assert.deepEqual(limiter.charged, [['audit'], ['audit']]);
  });

  it('answers 429 over the audit rate: one RATE_LIMITED record, then none while the instance knows', async () => {
    // Prepare
    const { get, calls, audit } = setup({ overAudit: true });
    // Act
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(NOT_AUDITOR, '/v1/issuances')).statusCode);
    const auditor = await get(AUDITOR, '/v1/issuances');
    // Assess
    assert.deepEqual(statuses, [429, 429, 429, 429, 429]);
    assert.equal(auditor.statusCode, 429);
    assert.deepEqual(audit.decisions(), ['RATE_LIMITED', 'RATE_LIMITED']);
    assert.equal(calls.length, 0);
  });

  it('passes an auditor validated filters: instants as ISO, limit defaulted, caller as given', async () => {
    // Prepare
    const { get, calls } = setup();
    // Act
    const response = await get(AUDITOR, '/v1/issuances', {
      caller: NOT_AUDITOR,
      from: '1741615320',
      to: '2025-03-11',
    });
    // Assess
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.['Cache-Control'], 'no-store');
    assert.deepEqual(calls[0], [
      'list',
      { caller: NOT_AUDITOR, from: '2025-03-10T14:02:00.000Z', to: '2025-03-11T00:00:00.000Z' },
      { limit: 100, cursor: undefined },
      'number',
    ]);
  });

  it('answers 400 with field paths for unknown parameters, bad limits, instants and callers', async () => {
    // Prepare
    const { get, calls } = setup();
    const cases: [Record<string, string>, string][] = [
      [{ callr: 'x' }, '$'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '1001' }, 'limit'],
      [{ limit: '1e2' }, 'limit'],
      [{ from: '2025-03-10T10:00:00' }, 'from'],
      [{ caller: 'reporting-service' }, 'caller'],
      [{ decision: 'issued' }, 'decision'],
    ];
    for (const [query, path] of cases) {
      // Act
      const response = await get(AUDITOR, '/v1/issuances', query);
      // Assess
      assert.equal(response.statusCode, 400, JSON.stringify(query));
      const errors = response.json.errors as { path: string }[];
      assert.ok(
        errors.some((error) => error.path === path),
        `${JSON.stringify(query)} → ${JSON.stringify(errors)}`,
      );
    }
    assert.equal(calls.length, 0);
  });
});

describe('GET /v1/issuances/{id}', () => {
  it('answers the history of a known issuance and 404 for an unknown one', async () => {
    // Prepare
    const { get } = setup();
    // Act
    const known = await get(AUDITOR, '/v1/issuances/ISS00000001', undefined, 'ISS00000001');
    const unknown = await get(AUDITOR, '/v1/issuances/ISS00000002', undefined, 'ISS00000002');
    const malformed = await get(AUDITOR, '/v1/issuances/x', undefined, 'a b');
    // Assess
    assert.equal(known.statusCode, 200);
    assert.equal(known.json.status, 'UNCONFIRMED');
    assert.equal(unknown.statusCode, 404);
    assert.equal(malformed.statusCode, 400);
  });
});
