/**
 * `broker audit verify` and `broker audit report` end to end: the real local stack
 * (serverless-offline, local SigV4, dynalite), real issuances and refusals, sealed with
 * the code of `npm run audit:seal`, then checked through the audit API by the CLI, intact
 * and after a record is deleted from the table behind the broker's back.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { main } from '../../cli/broker.js';
import type { CliIo } from '../../cli/command.js';
import { loadDigestConfig } from '../../lib/config/digest.js';
import { sealLocalAuditTrail } from '../../local/audit-seal.js';
import { localDynamoClient } from '../../local/dynamodb.js';
import { devIdentity, type StackFixture, startStackFixture } from './stack-fixture.js';

let fixture: StackFixture;
let from: string;
let to: string;
/** `broker audit verify` by a caller who is not an auditor, run before the seal (see `before`). */
let refused: { code: number; stdout: string; stderr: string };
const REPORT_DIR = join('.test-tmp', 'audit-verify');

before(async () => {
  fixture = await startStackFixture();
  from = new Date(Date.now() - 60_000).toISOString();
  for (let n = 0; n < 3; n += 1) {
    const issued = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
      grant: 'reports-reader',
    });
    assert.equal(issued.status, 201);
  }
  const denied = await fixture.call('mallory', 'POST', '/v1/credentials', { grant: 'reports-reader' });
  assert.equal(denied.status, 403);
  // A refused auditor call leaves an AUDIT_DENIED record: made before the seal, so the record
  // is sealed with the others (one made after would be, rightly, INSERTED_AFTER_SEAL).
  refused = await broker('audit', 'verify', '--local', '--as', 'reporting-service');
  // Seal as `npm run audit:seal` would a few minutes from now, when these windows are closed.
  const run = await sealLocalAuditTrail({
    dynamoUrl: fixture.stack.dynamo.url,
    tableName: fixture.stack.tableName,
    digest: loadDigestConfig({
      BROKER_DIGEST_KEY_FILE: fixture.stack.digestFiles.keyFile,
      BROKER_DIGEST_EVIDENCE_DIR: fixture.stack.digestFiles.evidenceDir,
    }),
    clock: () => new Date(Date.now() + 15 * 60_000),
    lookbackDays: 1,
  });
  assert.ok(run.sealed.length > 0);
  to = new Date(Date.now() + 60_000).toISOString();
  mkdirSync(REPORT_DIR, { recursive: true });
});
after(async () => {
  await fixture?.stop();
});

async function broker(...argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: async (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    env: {},
  };
  const code = await main([...argv, '--endpoint', fixture.stack.apiUrl], io);
  return { code, ...out };
}

describe('broker audit verify / report against the local stack', () => {
  it('verifies the sealed trail: exit 0, every record checked', async () => {
    // Act
    const result = await broker('audit', 'verify', '--local', '--as', 'security-audit');
    // Assess
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^OK: \d+ sealed windows, 8 records/m);
  });

  it('refuses a caller who is not an auditor: exit 2, and the trail holds its AUDIT_DENIED record', async () => {
    // Act: the refused call ran in `before` (before the seal).
    const page = await fixture.call(
      'security-audit',
      'GET',
      `/v1/issuances?decision=AUDIT_DENIED&from=${from}`,
    );
    const items = ((await page.json()) as { items: { callerKey: string; detail?: string }[] }).items;
    // Assess
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /not_allowed/);
    assert.deepEqual(
      items.map((item) => [item.callerKey, item.detail]),
      [['aws:111111111111:role/reporting-service', 'audit-public-key']],
    );
  });

  it('writes a self-contained HTML report of the range', async () => {
    // Prepare
    const file = join(REPORT_DIR, 'report.html');
    // Act
    const result = await broker('audit', 'report', '--from', from, '--to', to, '--html', file, '--local');
    const html = readFileSync(file, 'utf8');
    // Assess
    assert.equal(result.code, 0, result.stderr);
    assert.match(html, /<svg data-chart="timeline"/);
    assert.equal(
      (html.match(/<rect class="bar caller"/g) ?? []).length,
      1,
      'one caller was issued credentials',
    );
    assert.match(html, /DENIED: /);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!127\.0\.0\.1)|src=|<link/i);
  });

  it('names a record deleted from the table DELETED: exit 4', async () => {
    // Prepare: the first INTENT of reporting-service, deleted directly in DynamoDB.
    const page = await fixture.call('security-audit', 'GET', `/v1/issuances?decision=INTENT&from=${from}`);
    const items = ((await page.json()) as { items: { issuanceId: string }[] }).items;
    const victim = items[0]?.issuanceId;
    assert.ok(victim);
    const client = localDynamoClient(fixture.stack.dynamo.url, devIdentity('credential-broker-local'));
    await client.send(
      new DeleteItemCommand({
        TableName: fixture.stack.tableName,
        Key: { issuanceId: { S: victim }, record: { S: 'INTENT' } },
      }),
    );
    // Act
    const result = await broker('audit', 'verify', '--local');
    // Assess
    assert.equal(result.code, 4, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`^DELETED\\s+${victim}/INTENT`, 'm'));
    assert.match(result.stdout, /^FAILED: 1 problem/m);
  });
});
