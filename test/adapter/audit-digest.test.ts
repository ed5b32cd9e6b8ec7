/**
 * The digest chain against a real DynamoDB engine (dynalite on a free port, the table from
 * config/audit-table.json). A trail is sealed, then tampered with directly in the table —
 * the way an administrator or a stolen deploy role could — and the verifier must name
 * each change: DELETED, MODIFIED, INSERTED_AFTER_SEAL, CHAIN_BROKEN, BAD_SIGNATURE.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { canonicalJson } from '../../lib/audit/digest/canonical.js';
import { makeDynamoDigestStore } from '../../lib/audit/digest/dynamodb-digest-store.js';
import { makeDynamoWindowRecords } from '../../lib/audit/digest/dynamodb-window-records.js';
import { makeFileSigner } from '../../lib/audit/digest/file-signer.js';
import { makeSealAuditWindows } from '../../lib/audit/digest/seal.js';
import { type VerifyReport, verifyAuditTrail } from '../../lib/audit/digest/verify.js';
import { storeVerifySources } from '../../lib/audit/digest/verify-sources.js';
import { makeDynamoAuditStore, toItem } from '../../lib/audit/dynamodb-store.js';
import { type AuditRecord, indexKeys } from '../../lib/audit/record.js';
import {
  auditTableInput,
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  startDynalite,
} from '../../local/dynamodb.js';
import { auditTrail } from '../support/audit-records.js';
import { ampleBudget } from '../support/budget.js';

const T0 = Date.parse('2026-01-05T10:00:00.000Z');
/** 24 issuances a minute apart: records in five 5-minute windows. */
const TRAIL = auditTrail(24, { t0: T0, stepMs: 60_000, prefix: 'DIG' });
const SETTINGS = { windowSeconds: 300, settleSeconds: 120 };
const NOW = new Date(T0 + 3_600_000);

let dynamo: LocalDynamo;
let client: DynamoDBClient;
let keyDir: string;
let tables = 0;

before(async () => {
  dynamo = await startDynalite({ port: 0 });
  client = localDynamoClient(dynamo.url, { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' });
  keyDir = mkdtempSync(join(tmpdir(), 'digest-key-'));
});
after(async () => {
  await dynamo?.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

/** A fresh table holding `records`, sealed up to `now`. */
async function sealedTrail(records: AuditRecord[] = TRAIL, now = NOW) {
  tables += 1;
  const tableName = `digest-test-${tables}`;
  await ensureTable(client, auditTableInput(tableName));
  const audit = makeDynamoAuditStore({ client, tableName, timeoutMs: 5_000 });
  for (const record of records) await audit.append(record, ampleBudget());
  const store = makeDynamoDigestStore({ client, tableName, timeoutMs: 5_000 });
  const windowRecords = makeDynamoWindowRecords({ client, tableName, timeoutMs: 5_000 });
  const signer = makeFileSigner(join(keyDir, 'signing-key.pem'));
  let clock = now;
  const seal = makeSealAuditWindows({
    store,
    records: windowRecords,
    signer,
    clock: () => clock,
    settings: SETTINGS,
    // The trail starts an hour before "now": a long look back would only cost Queries.
    lookbackDays: 2,
  });
  const firstRun = await seal(ampleBudget(60_000));
  const publicKey = await signer.publicKey();
  return {
    tableName,
    firstRun,
    audit,
    seal: (at: Date) => {
      clock = at;
      return seal(ampleBudget(60_000));
    },
    verify: (range: { from?: string; to?: string } = {}): Promise<VerifyReport> =>
      verifyAuditTrail(
        storeVerifySources(store, windowRecords, publicKey, () => ampleBudget()),
        {
          ...range,
          now: clock,
        },
      ),
  };
}

const codes = (report: VerifyReport) => report.findings.map((finding) => finding.code).sort();
const idOf = (record: AuditRecord) => `${record.issuanceId}/${record.decision}`;
const keyOf = (record: AuditRecord) => ({
  issuanceId: { S: record.issuanceId },
  record: { S: record.decision },
});
const digestKey = (windowStart: string) => ({
  issuanceId: { S: 'audit-digest#v1' },
  record: { S: windowStart },
});
const pick = (n: number) => {
  const record = TRAIL[n];
  assert.ok(record);
  return record;
};

describe('audit digest chain on DynamoDB', () => {
  it('seals every closed window in order, from the first record, and verifies clean', async () => {
    // Act
    const trail = await sealedTrail();
    const report = await trail.verify();
    // Assess
    const sealed = trail.firstRun.sealed;
    assert.equal(sealed[0]?.start, '2026-01-05T10:00:00.000Z');
    for (let n = 1; n < sealed.length; n += 1) assert.equal(sealed[n]?.start, sealed[n - 1]?.end);
    // The last window sealed ended at least the settle delay before "now".
    assert.ok(Date.parse(sealed.at(-1)?.end ?? '') + 120_000 <= NOW.getTime());
    assert.equal(report.records, TRAIL.length);
    assert.deepEqual(report.findings, []);
    assert.equal(report.ok, true);
  });

  it('is idempotent: a second run seals nothing, a later run continues the same chain', async () => {
    // Prepare
    const trail = await sealedTrail();
    // Act
    const again = await trail.seal(NOW);
    const late = auditTrail(3, { t0: NOW.getTime() + 10_000, stepMs: 60_000, prefix: 'LATE' });
    for (const record of late) await trail.audit.append(record, ampleBudget());
    const later = await trail.seal(new Date(NOW.getTime() + 1_800_000));
    const report = await trail.verify();
    // Assess
    assert.deepEqual(again.sealed, []);
    assert.equal(later.sealed[0]?.start, trail.firstRun.sealed.at(-1)?.end);
    assert.equal(report.records, TRAIL.length + late.length);
    assert.deepEqual(report.findings, []);
  });

  it('names a deleted record DELETED', async () => {
    // Prepare
    const trail = await sealedTrail();
    const victim = pick(5);
    // Act
    await client.send(new DeleteItemCommand({ TableName: trail.tableName, Key: keyOf(victim) }));
    const report = await trail.verify();
    // Assess
    assert.deepEqual(codes(report), ['DELETED']);
    assert.equal(report.findings[0]?.recordId, idOf(victim));
    assert.equal(report.ok, false);
  });

  it('names a record with one changed field MODIFIED', async () => {
    // Prepare
    const trail = await sealedTrail();
    const victim = pick(8);
    // Act: the attacker rewrites who called, in place.
    await client.send(
      new UpdateItemCommand({
        TableName: trail.tableName,
        Key: keyOf(victim),
        UpdateExpression: 'SET sourceIp = :ip',
        ExpressionAttributeValues: { ':ip': { S: '203.0.113.66' } },
      }),
    );
    const report = await trail.verify();
    // Assess
    assert.deepEqual(codes(report), ['MODIFIED']);
    assert.equal(report.findings[0]?.recordId, idOf(victim));
  });

  it('names a backdated record put into a sealed window INSERTED_AFTER_SEAL', async () => {
    // Prepare
    const trail = await sealedTrail();
    const forged: AuditRecord = {
      ...pick(3),
      issuanceId: 'FORGED0000000001',
      at: new Date(T0 + 90_000).toISOString(),
    };
    // Act: written the way the broker writes, index keys and all, into the first window.
    await client.send(
      new PutItemCommand({ TableName: trail.tableName, Item: toItem({ ...forged, ...indexKeys(forged) }) }),
    );
    const report = await trail.verify();
    // Assess
    assert.deepEqual(codes(report), ['INSERTED_AFTER_SEAL']);
    assert.equal(report.findings[0]?.recordId, idOf(forged));
    assert.equal(report.findings[0]?.window?.start, '2026-01-05T10:00:00.000Z');
  });

  it('names a deleted digest CHAIN_BROKEN, with the uncovered window', async () => {
    // Prepare
    const trail = await sealedTrail();
    const removed = trail.firstRun.sealed[2];
    assert.ok(removed);
    // Act
    await client.send(new DeleteItemCommand({ TableName: trail.tableName, Key: digestKey(removed.start) }));
    const report = await trail.verify();
    // Assess
    assert.ok(codes(report).length > 0);
    assert.ok(
      codes(report).every((code) => code === 'CHAIN_BROKEN'),
      JSON.stringify(report.findings),
    );
    assert.deepEqual(report.findings[0]?.window, removed);
    assert.equal(report.ok, false);
  });

  it('names the loss of the first digest CHAIN_BROKEN too', async () => {
    // Prepare
    const trail = await sealedTrail();
    const removed = trail.firstRun.sealed[0];
    assert.ok(removed);
    // Act
    await client.send(new DeleteItemCommand({ TableName: trail.tableName, Key: digestKey(removed.start) }));
    const report = await trail.verify();
    // Assess
    assert.deepEqual(codes(report), ['CHAIN_BROKEN']);
  });

  it('names a digest re-signed with another key BAD_SIGNATURE', async () => {
    // Prepare
    const trail = await sealedTrail();
    const target = trail.firstRun.sealed[1];
    assert.ok(target);
    const stored = await client.send(
      new GetItemCommand({ TableName: trail.tableName, Key: digestKey(target.start) }),
    );
    const payload = stored.Item?.payload?.S;
    assert.ok(payload);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forgedSignature = sign('sha256', Buffer.from(payload), { key: privateKey, dsaEncoding: 'der' });
    // Act
    await client.send(
      new PutItemCommand({
        TableName: trail.tableName,
        Item: { ...stored.Item, signature: { S: forgedSignature.toString('base64') } },
      }),
    );
    const report = await trail.verify();
    // Assess
    assert.deepEqual(codes(report), ['BAD_SIGNATURE']);
    assert.deepEqual(report.findings[0]?.window, target);
  });

  it("names a digest rewritten to claim a forger's key BAD_SIGNATURE, and its successor CHAIN_BROKEN", async () => {
    // Prepare
    const trail = await sealedTrail();
    const target = trail.firstRun.sealed[1];
    assert.ok(target);
    const stored = await client.send(
      new GetItemCommand({ TableName: trail.tableName, Key: digestKey(target.start) }),
    );
    const forger = makeFileSigner(join(keyDir, 'forger-key.pem'));
    const payload = canonicalJson({
      ...JSON.parse(stored.Item?.payload?.S ?? '{}'),
      keyId: (await forger.publicKey()).keyId,
    });
    const signature = Buffer.from(await forger.sign(Buffer.from(payload))).toString('base64');
    // Act
    await client.send(
      new PutItemCommand({
        TableName: trail.tableName,
        Item: { ...stored.Item, payload: { S: payload }, signature: { S: signature } },
      }),
    );
    const report = await trail.verify();
    // Assess
    assert.deepEqual(codes(report), ['BAD_SIGNATURE', 'CHAIN_BROKEN']);
    assert.deepEqual(report.findings.find((f) => f.code === 'BAD_SIGNATURE')?.window, target);
    assert.deepEqual(
      report.findings.find((f) => f.code === 'CHAIN_BROKEN')?.window,
      trail.firstRun.sealed[2],
    );
  });

  it('names a rewritten leaf list BAD_SIGNATURE (a forged record hidden in the leaves)', async () => {
    // Prepare
    const trail = await sealedTrail();
    const target = trail.firstRun.sealed[0];
    assert.ok(target);
    const digest = await client.send(
      new GetItemCommand({ TableName: trail.tableName, Key: digestKey(target.start) }),
    );
    const leavesSha = JSON.parse(digest.Item?.payload?.S ?? '{}').leavesSha256 as string;
    const pageKey = {
      issuanceId: { S: `audit-digest-leaves#${target.start}` },
      record: { S: `${leavesSha}#00000` },
    };
    const page = await client.send(new GetItemCommand({ TableName: trail.tableName, Key: pageKey }));
    const lines = (page.Item?.leaves?.S ?? '').split('\n');
    // Act: drop one sealed line, so the record behind it could be deleted unnoticed.
    await client.send(
      new PutItemCommand({
        TableName: trail.tableName,
        Item: { ...pageKey, leaves: { S: lines.slice(1).join('\n') } },
      }),
    );
    const report = await trail.verify();
    // Assess
    assert.ok(codes(report).includes('BAD_SIGNATURE'), JSON.stringify(report.findings));
  });

  it('reports records of windows not sealed yet as UNSEALED, which is not a failure', async () => {
    // Prepare: the newest records are younger than the settle delay.
    const recent = auditTrail(2, { t0: NOW.getTime() - 30_000, stepMs: 10_000, prefix: 'NEW' });
    const trail = await sealedTrail([...TRAIL, ...recent]);
    // Act
    const report = await trail.verify();
    // Assess
    assert.deepEqual(codes(report), ['UNSEALED']);
    assert.match(report.findings[0]?.detail ?? '', new RegExp(`^${recent.length} records`));
    assert.equal(report.ok, true);
  });
});
