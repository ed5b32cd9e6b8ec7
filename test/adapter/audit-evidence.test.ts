/**
 * `npm run audit:seal`'s sealing (local/audit-seal.ts) on dynalite, and its evidence files
 * checked by the documented stand-alone script (docs/examples/verify-evidence.mjs), which
 * shares no code with the broker: intact files pass, an edited record or a missing window fails.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeFileSigner } from '../../lib/audit/digest/file-signer.js';
import { makeDynamoAuditStore } from '../../lib/audit/dynamodb-store.js';
import { loadDigestConfig } from '../../lib/config/digest.js';
import { sealLocalAuditTrail } from '../../local/audit-seal.js';
import {
  auditTableInput,
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  startDynalite,
} from '../../local/dynamodb.js';
import { auditTrail } from '../support/audit-records.js';
import { ampleBudget } from '../support/budget.js';

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const TABLE = 'evidence-test-audit';
let dynamo: LocalDynamo;
let dir: string;
let evidenceDir: string;
let publicKeyFile: string;

before(async () => {
  dynamo = await startDynalite({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'audit-evidence-'));
  const client = localDynamoClient(dynamo.url, { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' });
  await ensureTable(client, auditTableInput(TABLE));
  const store = makeDynamoAuditStore({ client, tableName: TABLE, timeoutMs: 5_000 });
  for (const record of auditTrail(12, { t0: T0, stepMs: 60_000, prefix: 'EVD' })) {
    await store.append(record, ampleBudget());
  }
  const digest = loadDigestConfig({
    BROKER_DIGEST_WINDOW_SECONDS: '300',
    BROKER_DIGEST_SETTLE_SECONDS: '60',
    BROKER_DIGEST_KEY_FILE: join(dir, 'key', 'signing-key.pem'),
    BROKER_DIGEST_EVIDENCE_DIR: join(dir, 'evidence'),
  });
  evidenceDir = digest.evidenceDir;
  const run = await sealLocalAuditTrail({
    dynamoUrl: dynamo.url,
    tableName: TABLE,
    digest,
    clock: () => new Date(T0 + 1_800_000),
    lookbackDays: 1,
  });
  assert.ok(run.sealed.length >= 3, `sealed ${run.sealed.length} windows`);
  publicKeyFile = join(dir, 'public-key.pem');
  writeFileSync(publicKeyFile, (await makeFileSigner(digest.keyFile).publicKey()).pem);
});
after(async () => {
  await dynamo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const evidenceFiles = () =>
  readdirSync(evidenceDir)
    .sort()
    .map((file) => join(evidenceDir, file));

const verifyScript = (files: string[]) =>
  spawnSync(process.execPath, ['docs/examples/verify-evidence.mjs', publicKeyFile, ...files], {
    encoding: 'utf8',
  });

describe('sealed-window evidence files', () => {
  it('keeps the signing key private: mode 0600, and never in an evidence file', () => {
    // Act
    const keyText = readFileSync(join(dir, 'key', 'signing-key.pem'), 'utf8');
    const mode = spawnSync('stat', ['-c', '%a', join(dir, 'key', 'signing-key.pem')], { encoding: 'utf8' });
    // Assess
    assert.equal(mode.stdout.trim(), '600');
    const body = keyText.split('\n').slice(1, 3).join('');
    for (const file of evidenceFiles()) assert.ok(!readFileSync(file, 'utf8').includes(body));
  });

  it('verify with the stand-alone script, one file per window, every record in it', () => {
    // Act
    const result = verifyScript(evidenceFiles());
    // Assess
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`${evidenceFiles().length} windows verified`));
    const records = evidenceFiles().reduce(
      (sum, file) => sum + readFileSync(file, 'utf8').trim().split('\n').length - 1,
      0,
    );
    assert.equal(records, auditTrail(12, { t0: T0, stepMs: 60_000, prefix: 'EVD' }).length);
  });

  it('fail the script when a record line is edited', () => {
    // Prepare
    const [first] = evidenceFiles();
    assert.ok(first);
    const original = readFileSync(first, 'utf8');
    const edited = original.replace('"sourceIp":"198.51.100.7"', '"sourceIp":"203.0.113.9"');
    assert.notEqual(edited, original);
    try {
      writeFileSync(first, edited);
      // Act
      const result = verifyScript(evidenceFiles());
      // Assess
      assert.equal(result.status, 1);
      assert.match(result.stdout, /records differ from the sealed ones/);
    } finally {
      writeFileSync(first, original);
    }
  });

  it('fail the script when a window in the middle is missing', () => {
    // Act
    const files = evidenceFiles();
    const result = verifyScript([...files.slice(0, 1), ...files.slice(2)]);
    // Assess
    assert.equal(result.status, 1);
    assert.match(result.stdout, /not chained to the previous file/);
  });
});
