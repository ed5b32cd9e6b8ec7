/**
 * Audit queries end to end: the real local stack (serverless-offline, local SigV4,
 * dynalite) with a few hundred generated records plus real issuances, queried through
 * the API and through the `broker` executable.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { makeDynamoAuditStore } from '../../lib/audit/dynamodb-store.js';
import type { AuditRecord } from '../../lib/audit/record.js';
import { localDynamoClient } from '../../local/dynamodb.js';
import {
  AUDIT_CALLERS,
  AUDIT_T0,
  auditTrail,
  issuanceRecords,
  newestFirst,
  shapeOf,
} from '../support/audit-records.js';
import { ampleBudget } from '../support/budget.js';
import { devIdentity, type StackFixture, startStackFixture } from './stack-fixture.js';

const run = promisify(execFile);
const ISSUANCES = 300;
const trail = auditTrail(ISSUANCES);
const SEEDED = { from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };
let fixture: StackFixture;

function seedStore() {
  const client = localDynamoClient(fixture.stack.dynamo.url, devIdentity('credential-broker-local'));
  return makeDynamoAuditStore({ client, tableName: fixture.stack.tableName, timeoutMs: 5_000 });
}

async function append(records: AuditRecord[]) {
  const store = seedStore();
  for (let start = 0; start < records.length; start += 25) {
    await Promise.all(records.slice(start, start + 25).map((record) => store.append(record, ampleBudget())));
  }
}

before(async () => {
  fixture = await startStackFixture();
  await append(trail);
});
after(async () => {
  await fixture?.stop();
});

interface Page {
  items: AuditRecord[];
  cursor?: string;
  servedBy: { index: string; postFilters: string[] };
}

async function getPage(query: Record<string, string>, as = 'security-audit') {
  const response = await fixture.call(as, 'GET', `/v1/issuances?${new URLSearchParams(query)}`);
  return { status: response.status, body: (await response.json()) as Page & { code?: string } };
}

async function listAll(query: Record<string, string>, between?: () => Promise<void>) {
  const items: AuditRecord[] = [];
  let cursor: string | undefined;
  do {
    const { status, body } = await getPage({ ...query, ...(cursor ? { cursor } : {}) });
    assert.equal(status, 200, JSON.stringify(body));
    items.push(...body.items);
    cursor = body.cursor;
    await between?.();
  } while (cursor);
  return items;
}

const keys = (records: AuditRecord[]) => records.map((r) => `${r.issuanceId}#${r.decision}`);
const expected = (keep: (r: AuditRecord) => boolean) => keys(trail.filter(keep).sort(newestFirst));

describe('GET /v1/issuances on the local stack', () => {
  it('refuses a non-auditor with 403 and records the attempt as AUDIT_DENIED', async () => {
    // Act
    const list = await getPage({}, 'reporting-service');
    const one = await fixture.call('reporting-service', 'GET', '/v1/issuances/ISS00000003');
    // Assess
    assert.equal(list.status, 403);
    assert.equal(one.status, 403);
    const { body } = await getPage({
      decision: 'AUDIT_DENIED',
      caller: 'aws:111111111111:role/reporting-service',
    });
    assert.equal(body.items.length, 2);
    assert.ok(body.items.every((item) => item.reason === 'not_an_auditor'));
  });

  it('answers who held an access key with one call, without any secret', async () => {
    // Prepare: a real issuance through the API.
    const issued = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'reports-reader',
    });
    assert.equal(issued.status, 201);
    const { issuanceId, credentials } = (await issued.json()) as {
      issuanceId: string;
      credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
    };
    // Act
    const { status, body } = await getPage({ accessKeyId: credentials.accessKeyId });
    const history = await fixture.call('security-audit', 'GET', `/v1/issuances/${issuanceId}`);
    // Assess
    assert.equal(status, 200);
    assert.equal(body.servedBy.index, 'byAccessKey');
    assert.deepEqual(
      body.items.map((r) => [r.issuanceId, r.decision, r.callerPrincipal]),
      [[issuanceId, 'ISSUED', 'arn:aws:sts::111111111111:assumed-role/reporting-service/reporting-worker-1']],
    );
    const historyText = await history.text();
    assert.equal(history.status, 200);
    assert.deepEqual(
      (JSON.parse(historyText) as Page).items.map((r) => r.decision),
      ['INTENT', 'ISSUED'],
    );
    for (const secret of [credentials.secretAccessKey, credentials.sessionToken]) {
      assert.ok(!JSON.stringify(body).includes(secret) && !historyText.includes(secret));
    }
  });

  it('serves each filter over several pages, exactly the generated records', async () => {
    // Prepare
    const caller = AUDIT_CALLERS[0].key;
    const cases: [Record<string, string>, (r: AuditRecord) => boolean][] = [
      [{ caller }, (r) => r.callerKey === caller],
      [{ grant: 'doris-vault-rotation' }, (r) => r.grantId === 'doris-vault-rotation'],
      [{ roleArn: 'trn:iam::2100000002:role/tos-reader' }, (r) => r.grantId === 'tos-reader'],
      [{ decision: 'DENIED' }, (r) => r.decision === 'DENIED'],
      [{ caller, decision: 'FAILED' }, (r) => r.callerKey === caller && r.decision === 'FAILED'],
      [{}, () => true],
    ];
    for (const [filters, keep] of cases) {
      // Act
      const records = await listAll({ ...filters, ...SEEDED, limit: '40' });
      // Assess
      assert.deepEqual(keys(records), expected(keep), JSON.stringify(filters));
    }
  });

  it('includes a record at `from` and excludes one at `to`, in ISO or epoch form', async () => {
    // Prepare: issuance 21's INTENT sits exactly at `from`, issuance 31's exactly at `to`.
    const fromMs = AUDIT_T0 + 21 * 13 * 60_000;
    const toMs = AUDIT_T0 + 31 * 13 * 60_000;
    // Act
    const iso = await listAll({
      decision: 'INTENT',
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
    });
    const epoch = await listAll({ decision: 'INTENT', from: String(fromMs / 1000), to: String(toMs) });
    // Assess
    const ids = iso.map((r) => r.issuanceId);
    assert.equal(ids.at(-1), 'ISS00000021');
    assert.ok(!ids.includes('ISS00000031'));
    assert.deepEqual(keys(epoch), keys(iso));
  });

  it('lists unconfirmed issuances: INTENT without ISSUED or FAILED', async () => {
    // Act
    const records = await listAll({ decision: 'unconfirmed', ...SEEDED, limit: '7' });
    // Assess
    const unconfirmed = trail.filter(
      (r) => r.decision === 'INTENT' && shapeOf(Number(r.issuanceId.slice(3))) === 'unconfirmed',
    );
    assert.deepEqual(keys(records), keys(unconfirmed.sort(newestFirst)));
  });

  it('pages every record exactly once while new issuances arrive', async () => {
    // Prepare: records of the listing's range keep landing, newer than anything listed.
    const query = { caller: AUDIT_CALLERS[1].key, limit: '25' };
    const before = (await listAll({ ...query, limit: '1000' })).map((r) => `${r.issuanceId}#${r.decision}`);
    let next = 0;
    const arrive = async () => {
      next += 1;
      await append(issuanceRecords(3 * next + 1, { prefix: 'LIVE', t0: Date.now() }));
    };
    // Act
    const records = await listAll(query, arrive);
    // Assess
    assert.ok(next > 3, 'several pages');
    assert.equal(new Set(keys(records)).size, records.length);
    assert.deepEqual(keys(records), before);
  });

  it('refuses a tampered or foreign cursor with 400 invalid_cursor', async () => {
    // Prepare
    const first = await getPage({ grant: 'reports-reader', ...SEEDED, limit: '5' });
    const cursor = first.body.cursor ?? '';
    const [payload = '', mac = ''] = cursor.split('.');
    const tampered = `${payload.slice(0, -1)}${payload.endsWith('A') ? 'B' : 'A'}.${mac}`;
    // Act
    const attempts = await Promise.all([
      getPage({ grant: 'reports-reader', ...SEEDED, limit: '5', cursor: tampered }),
      getPage({ grant: 'tos-reader', ...SEEDED, limit: '5', cursor }),
      getPage({ grant: 'reports-reader', ...SEEDED, limit: '5', cursor: 'x.y' }),
    ]);
    // Assess
    assert.ok(cursor.length > 0);
    assert.deepEqual(
      attempts.map((a) => [a.status, a.body.code]),
      Array(3).fill([400, 'invalid_cursor']),
    );
  });
});

describe('broker audit (the executable) on the local stack', () => {
  const broker = (...args: string[]) =>
    run(process.execPath, [
      'bin/broker.js',
      'audit',
      '--local',
      '--endpoint',
      fixture.stack.apiUrl,
      ...args,
    ]).then(
      (result) => ({ code: 0, ...result }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('exports a caller over a day as csv with --all, and exits 2 for a non-auditor', async () => {
    // Act
    const day = await broker(
      ...['--caller', AUDIT_CALLERS[0].principal, '--from', '2025-03-10', '--to', '2025-03-11'],
      ...['--all', '--limit', '20', '--format', 'csv'],
    );
    const denied = await broker('--as', 'reporting-service');
    // Assess
    assert.equal(day.code, 0, day.stderr);
    const rows = day.stdout.trim().split('\r\n');
    assert.equal(
      rows.length - 1,
      expected((r) => r.callerKey === AUDIT_CALLERS[0].key && r.at < '2025-03-11').length,
    );
    assert.ok(rows.length > 21, 'more than one page');
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /^broker: Forbidden \(not_allowed, HTTP 403\)\n/);
    assert.match(day.stderr, /records after page 1/);
  });
});
