/**
 * Audit queries against a real DynamoDB engine (dynalite on a free port, the table from
 * config/audit-table.json): index choice, post-filters, [from, to) boundaries, cursors,
 * exactly-once pagination while records keep arriving, and unconfirmed issuances.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CursorPosition, makeCursorSealer } from '../../lib/audit/cursor.js';
import { makeDynamoAuditReader } from '../../lib/audit/dynamodb-reader.js';
import { makeDynamoAuditStore } from '../../lib/audit/dynamodb-store.js';
import { type AuditQueries, makeAuditQueries } from '../../lib/audit/queries.js';
import type { AuditFilters } from '../../lib/audit/query-plan.js';
import type { AuditRecord } from '../../lib/audit/record.js';
import type { BrokerError } from '../../lib/errors.js';
import type { AuditStore } from '../../lib/issuance/ports.js';
import {
  auditTableInput,
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  startDynalite,
} from '../../local/dynamodb.js';
import {
  AUDIT_CALLERS,
  AUDIT_T0,
  accessKeyIdOf,
  auditTrail,
  issuanceIdOf,
  issuanceRecords,
  newestFirst,
  shapeOf,
} from '../support/audit-records.js';
import { ampleBudget } from '../support/budget.js';

const TABLE = 'audit-queries-test';
const KEY = 'adapter-test-cursor-key-0123456789abcdef';
const ISSUANCES = 240;
const NOW = new Date(AUDIT_T0 + 3 * 86_400_000);

let dynamo: LocalDynamo;
let store: AuditStore;
let queries: AuditQueries;
const trail: AuditRecord[] = auditTrail(ISSUANCES);

async function appendAll(records: AuditRecord[]) {
  for (let start = 0; start < records.length; start += 16) {
    await Promise.all(records.slice(start, start + 16).map((record) => store.append(record, ampleBudget())));
  }
}

before(async () => {
  dynamo = await startDynalite({ port: 0 });
  const client = localDynamoClient(dynamo.url, { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' });
  await ensureTable(client, auditTableInput(TABLE));
  store = makeDynamoAuditStore({ client, tableName: TABLE, timeoutMs: 5_000 });
  queries = makeAuditQueries({
    reader: makeDynamoAuditReader({ client, tableName: TABLE, timeoutMs: 5_000 }),
    cursors: makeCursorSealer(KEY),
    clock: () => NOW,
  });
  await appendAll(trail);
});
after(async () => {
  await dynamo?.stop();
});

/** Follows cursors to the end; fails on a repeated record. */
async function listAll(filters: AuditFilters, limit: number, between?: (page: number) => Promise<void>) {
  const seen: AuditRecord[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await queries.list(filters, { limit, cursor }, ampleBudget());
    assert.ok(page.items.length <= limit, 'a page never exceeds the limit');
    seen.push(...page.items);
    cursor = page.cursor;
    pages += 1;
    await between?.(pages);
  } while (cursor !== undefined);
  return seen;
}

const ids = (records: AuditRecord[]) => records.map((r) => `${r.issuanceId}#${r.decision}`);
const expected = (keep: (r: AuditRecord) => boolean) => ids(trail.filter(keep).sort(newestFirst));

describe('audit queries on DynamoDB', () => {
  it('answers each indexed filter from its own index, newest first, across pages', async () => {
    // Prepare
    const caller = AUDIT_CALLERS[1].key;
    const cases: [AuditFilters, string, (r: AuditRecord) => boolean][] = [
      [{ caller }, 'byCaller', (r) => r.callerKey === caller],
      [{ grant: 'tos-reader' }, 'byGrant', (r) => r.grantId === 'tos-reader'],
      [
        { roleArn: 'arn:aws:iam::222222222222:role/reports-read' },
        'byRole',
        (r) => r.grantId === 'reports-reader',
      ],
      [{ accessKeyId: accessKeyIdOf(7) }, 'byAccessKey', (r) => r.accessKeyId === accessKeyIdOf(7)],
      [{ decision: 'FAILED' }, 'byDecision', (r) => r.decision === 'FAILED'],
    ];
    for (const [filters, index, keep] of cases) {
      // Act
      const records = await listAll(filters, 17);
      const first = await queries.list(filters, { limit: 1 }, ampleBudget());
      // Assess
      assert.deepEqual(ids(records), expected(keep), JSON.stringify(filters));
      assert.deepEqual(first.servedBy, { index, postFilters: [] });
    }
  });

  it('normalizes a principal ARN given as caller to its caller key (any session of the role)', async () => {
    // Act
    const records = await listAll(
      { caller: 'arn:aws:sts::111111111111:assumed-role/reporting-service/other' },
      100,
    );
    // Assess
    assert.deepEqual(
      ids(records),
      expected((r) => r.callerKey === AUDIT_CALLERS[0].key),
    );
  });

  it('post-filters the other filters and says so, resuming exactly after a truncated batch', async () => {
    // Prepare: grant + caller + decision is served by byCaller, the rest filtered after the Query.
    const filters: AuditFilters = {
      caller: AUDIT_CALLERS[0].key,
      grant: 'reports-reader',
      decision: 'ISSUED',
    };
    // Act
    const records = await listAll(filters, 3);
    const page = await queries.list(filters, { limit: 3 }, ampleBudget());
    // Assess
    assert.deepEqual(
      ids(records),
      expected(
        (r) =>
          r.callerKey === AUDIT_CALLERS[0].key && r.grantId === 'reports-reader' && r.decision === 'ISSUED',
      ),
    );
    assert.ok(records.length > 6, 'the case spans several pages');
    assert.deepEqual(page.servedBy, { index: 'byCaller', postFilters: ['grant', 'decision'] });
  });

  it('includes a record at `from` and excludes one at `to`', async () => {
    // Prepare: issuance 21's INTENT is exactly at from, issuance 31's (caller 1) exactly at to.
    const from = new Date(AUDIT_T0 + 21 * 13 * 60_000).toISOString();
    const to = new Date(AUDIT_T0 + 31 * 13 * 60_000).toISOString();
    // Act
    const records = await listAll({ decision: 'INTENT', from, to }, 1000);
    // Assess
    const found = records.map((r) => r.issuanceId);
    assert.equal(found.at(-1), issuanceIdOf(21), 'the record at from is in');
    assert.ok(!found.includes(issuanceIdOf(31)), 'the record at to is out');
    assert.deepEqual(
      ids(records),
      expected((r) => r.decision === 'INTENT' && r.at >= from && r.at < to),
    );
    const atTo = await listAll(
      { caller: AUDIT_CALLERS[1].key, from: to, to: new Date(Date.parse(to) + 1).toISOString() },
      10,
    );
    assert.deepEqual(
      ids(atTo),
      expected((r) => r.callerKey === AUDIT_CALLERS[1].key && r.at === to),
    );
    assert.ok(atTo.length > 0, 'a record sits exactly at the instant');
  });

  it('reads byDay over the range day by day when no indexed filter is given', async () => {
    // Prepare: 2.2 days of records, range spanning three UTC days.
    const from = new Date(AUDIT_T0 + 6 * 3_600_000).toISOString();
    const to = new Date(AUDIT_T0 + 2 * 86_400_000 + 3_600_000).toISOString();
    // Act
    const records = await listAll({ from, to }, 50);
    const page = await queries.list({ from, to }, { limit: 5 }, ampleBudget());
    // Assess
    assert.deepEqual(
      ids(records),
      expected((r) => r.at >= from && r.at < to),
    );
    assert.equal(page.servedBy.index, 'byDay');
  });

  it('refuses a byDay range wider than 31 days', async () => {
    // Act
    const wide = queries.list(
      { from: '2025-01-01T00:00:00.000Z', to: '2025-02-02T00:00:00.000Z' },
      { limit: 10 },
      ampleBudget(),
    );
    // Assess
    await assert.rejects(
      wide,
      (error: BrokerError) => error.status === 400 && error.code === 'range_too_wide',
    );
  });

  it('finds INTENT records whose issuance has no ISSUED or FAILED record', async () => {
    // Act
    const records = await listAll({ decision: 'unconfirmed' }, 10);
    const page = await queries.list({ decision: 'unconfirmed' }, { limit: 4 }, ampleBudget());
    // Assess
    const unconfirmed = Array.from({ length: ISSUANCES }, (_, n) => n).filter(
      (n) => shapeOf(n) === 'unconfirmed',
    );
    assert.deepEqual(records.map((r) => r.issuanceId).sort(), unconfirmed.map((n) => issuanceIdOf(n)).sort());
    assert.ok(records.every((r) => r.decision === 'INTENT'));
    assert.deepEqual(page.servedBy, { index: 'byDecision', postFilters: ['unconfirmed'] });
  });

  it('returns each record exactly once across pages while newer records keep arriving', async () => {
    // Prepare: the listing covers "until now"; new issuances land between pages.
    const filters: AuditFilters = { caller: AUDIT_CALLERS[2].key };
    const before = expected((r) => r.callerKey === AUDIT_CALLERS[2].key);
    let next = 10_000;
    const insertNewer = async () => {
      const records = [next, next + 3].flatMap((n) => issuanceRecords(n, { stepMs: 60_000, prefix: 'NEW' }));
      next += 6;
      await appendAll(records);
    };
    // Act
    const records = await listAll(filters, 9, insertNewer);
    // Assess
    assert.equal(new Set(ids(records)).size, records.length, 'no record twice');
    assert.deepEqual(ids(records), before, 'exactly the records that existed when paging began');
  });

  it('refuses tampered, foreign and garbage cursors with 400 invalid_cursor', async () => {
    // Prepare
    const filters: AuditFilters = { grant: 'reports-reader' };
    const { cursor } = await queries.list(filters, { limit: 2 }, ampleBudget());
    assert.ok(cursor);
    const [payload = '', mac = ''] = cursor.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as CursorPosition;
    const steered = Buffer.from(JSON.stringify({ ...decoded, p: 'tos-reader' })).toString('base64url');
    const attempts = [
      `${steered}.${mac}`,
      `${payload}.${mac.slice(0, -2)}AA`,
      'garbage',
      'a.b',
      makeCursorSealer('another-key-another-key-another-key-0000').seal(decoded),
    ];
    for (const attempt of attempts) {
      // Act
      const result = queries.list(filters, { limit: 2, cursor: attempt }, ampleBudget());
      // Assess
      await assert.rejects(result, (error: BrokerError) => error.code === 'invalid_cursor', attempt);
    }
    const foreign = queries.list({ grant: 'tos-reader' }, { limit: 2, cursor }, ampleBudget());
    await assert.rejects(
      foreign,
      (error: BrokerError) => error.status === 400 && error.code === 'invalid_cursor',
    );
    const sameFiltersOtherDecision = queries.list(
      { ...filters, decision: 'ISSUED' },
      { limit: 2, cursor },
      ampleBudget(),
    );
    await assert.rejects(sameFiltersOtherDecision, (error: BrokerError) => error.code === 'invalid_cursor');
  });

  it('shows one issuance with its history in order, and nothing for an unknown id', async () => {
    // Act
    const issued = await queries.issuance(issuanceIdOf(3), ampleBudget());
    const unconfirmed = await queries.issuance(issuanceIdOf(2), ampleBudget());
    const unknown = await queries.issuance('NOPE0000', ampleBudget());
    // Assess
    assert.deepEqual(
      issued?.items.map((r) => r.decision),
      ['INTENT', 'ISSUED'],
    );
    assert.equal(issued?.status, 'ISSUED');
    assert.equal(unconfirmed?.status, 'UNCONFIRMED');
    assert.equal(unknown, undefined);
    assert.ok(
      issued?.items.every((r) => !('ts' in r) && !('day' in r) && !('record' in r)),
      'index keys stay inside',
    );
  });
});
