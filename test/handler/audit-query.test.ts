/**
 * GET /v1/issuances and GET /v1/issuances/{id} through their real composition
 * (functions/audit-query/compose.ts): the audit queries on an in-memory reader at the port,
 * a real cursor sealer, and the audit gate on fakes. Auditors only (a refusal recorded as
 * AUDIT_DENIED, nothing read), pages that parse with the route contracts and follow their
 * sealed cursors, and the history of one issuance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeHandler } from '../../functions/audit-query/compose.js';
import { makeCursorSealer } from '../../lib/audit/cursor.js';
import type { AuditReader, IndexQuery } from '../../lib/audit/queries.js';
import { indexKeys } from '../../lib/audit/record.js';
import type { StoredItem } from '../../lib/audit/view.js';
import { issuanceHistory } from '../../lib/contracts/get-issuance.js';
import { auditPage } from '../../lib/contracts/list-issuances.js';
import { AUDITOR, auditGateOnFakes, NOT_AUDITOR } from '../support/audit-gate.js';
import { AUDIT_T0, auditTrail, issuanceIdOf } from '../support/audit-records.js';
import { getAsCaller } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

/** The trail as the table holds it: each record with its index keys. */
const STORED: StoredItem[] = auditTrail(30).map((record) => ({ ...record, ...indexKeys(record) }));

/** Answers Queries as DynamoDB would: one partition, the range on ts, newest first, paged. */
function memoryReader(queries: IndexQuery[]): AuditReader {
  return {
    async queryIndex(query) {
      queries.push(query);
      const after = query.startKey?.ts;
      const matching = STORED.filter(
        (item) =>
          String(item[query.partitionAttribute]) === query.partition &&
          (query.range.from === undefined || String(item.at) >= query.range.from) &&
          (query.range.to === undefined || String(item.at) < query.range.to) &&
          Object.entries(query.postFilters).every(([name, value]) => item[name] === value),
      )
        .sort((a, b) => (String(a.ts) < String(b.ts) ? 1 : -1))
        .filter((item) => after === undefined || String(item.ts) < after);
      const items = matching.slice(0, query.limit);
      const last = items.at(-1);
      return matching.length > query.limit && last
        ? {
            items,
            // A GSI's LastEvaluatedKey: the table key and the index key of the last item.
            lastKey: {
              issuanceId: String(last.issuanceId),
              record: String(last.record),
              ts: String(last.ts),
              [query.partitionAttribute]: query.partition,
            },
          }
        : { items };
    },
    async issuanceRecords(issuanceId) {
      return STORED.filter((item) => item.issuanceId === issuanceId);
    },
  };
}

function setup() {
  const queries: IndexQuery[] = [];
  const gate = auditGateOnFakes();
  const handler = makeHandler(
    {
      reader: memoryReader(queries),
      cursors: makeCursorSealer('cursor-key-for-handler-tests-0123456789'),
      clock: () => new Date(AUDIT_T0 + 86_400_000),
      admitAuditor: gate.admitAuditor,
    },
    { logger: silentLogger(), maxBodyBytes: 1024 },
  );
  const get = getAsCaller(handler);
  return { get, queries, gate };
}

describe('GET /v1/issuances composition', () => {
  it('refuses a non-auditor with 403 before any read, and records AUDIT_DENIED', async () => {
    // Prepare
    const { get, queries, gate } = setup();
    // Act
    const list = await get(NOT_AUDITOR, '/v1/issuances', { grant: 'reports-reader' });
    const one = await get(NOT_AUDITOR, `/v1/issuances/${issuanceIdOf(2)}`, undefined, issuanceIdOf(2));
    // Assess
    assert.deepEqual([list.statusCode, one.statusCode], [403, 403]);
    assert.deepEqual([list.json.code, one.json.code], ['not_allowed', 'not_allowed']);
    assert.equal(queries.length, 0);
    assert.deepEqual(
      gate.audit.records.map((record) => [record.decision, record.reason, record.detail, record.callerKey]),
      [
        ['AUDIT_DENIED', 'not_an_auditor', 'audit-query', 'aws:111111111111:role/reporting-service'],
        ['AUDIT_DENIED', 'not_an_auditor', 'audit-query', 'aws:111111111111:role/reporting-service'],
      ],
    );
    assert.deepEqual(gate.rateLimiter.charged, [['audit'], ['audit']]);
  });

  it("pages an auditor through a grant's records newest first, every record once, on its index", async () => {
    // Prepare
    const { get, queries, gate } = setup();
    const expected = STORED.filter((item) => item.grantId === 'reports-reader')
      .sort((a, b) => (String(a.ts) < String(b.ts) ? 1 : -1))
      .map((item) => `${item.issuanceId}/${item.decision}`);
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await get(AUDITOR, '/v1/issuances', {
        grant: 'reports-reader',
        limit: '4',
        ...(cursor ? { cursor } : {}),
      });
      assert.equal(response.statusCode, 200, JSON.stringify(response.json));
      const page = auditPage.parse(response.json);
      assert.deepEqual(page.servedBy, { index: 'byGrant', postFilters: [] });
      seen.push(...page.items.map((record) => `${record.issuanceId}/${record.decision}`));
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== undefined && pages < 20);
    // Assess
    assert.deepEqual(seen, expected);
    assert.ok(pages > 1, 'more than one page');
    assert.ok(queries.every((query) => query.index === 'byGrant' && query.partition === 'reports-reader'));
    assert.deepEqual(gate.audit.records, []);
  });

  it('refuses a cursor replayed with other filters, or tampered, with 400 invalid_cursor', async () => {
    // Prepare
    const { get } = setup();
    const first = auditPage.parse(
      (await get(AUDITOR, '/v1/issuances', { grant: 'reports-reader', limit: '2' })).json,
    );
    assert.ok(first.cursor);
    // Act
    const foreign = await get(AUDITOR, '/v1/issuances', {
      grant: 'tos-reader',
      limit: '2',
      cursor: first.cursor,
    });
    const tampered = await get(AUDITOR, '/v1/issuances', {
      grant: 'reports-reader',
      limit: '2',
      cursor: `${first.cursor.slice(0, -2)}AA`,
    });
    // Assess
    assert.deepEqual(
      [foreign, tampered].map((response) => [response.statusCode, response.json.code]),
      [
        [400, 'invalid_cursor'],
        [400, 'invalid_cursor'],
      ],
    );
  });
});

describe('GET /v1/issuances/{id} composition', () => {
  it('answers the history of an issuance in time order with its outcome, and 404 for an unknown id', async () => {
    // Prepare
    const { get } = setup();
    const issued = issuanceIdOf(3);
    const unconfirmed = issuanceIdOf(2);
    // Act
    const known = await get(AUDITOR, `/v1/issuances/${issued}`, undefined, issued);
    const open = await get(AUDITOR, `/v1/issuances/${unconfirmed}`, undefined, unconfirmed);
    const unknown = await get(AUDITOR, '/v1/issuances/ISS99999999', undefined, 'ISS99999999');
    // Assess
    assert.equal(known.statusCode, 200);
    const history = issuanceHistory.parse(known.json);
    assert.equal(history.status, 'ISSUED');
    assert.deepEqual(
      history.items.map((record) => record.decision),
      ['INTENT', 'ISSUED'],
    );
    assert.equal(issuanceHistory.parse(open.json).status, 'UNCONFIRMED');
    assert.deepEqual([unknown.statusCode, unknown.json.code], [404, 'not_found']);
  });
});
