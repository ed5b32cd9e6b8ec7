/**
 * GET /v1/audit/digests and GET /v1/audit/public-key through their real compositions
 * (functions/audit-digests/compose.ts, functions/audit-public-key/compose.ts) with fakes at
 * the ports: auditors only (admitted by the audit gate: the audit rate charged, a refusal
 * recorded as AUDIT_DENIED), strict query, pages in chain order with cursors bound to their
 * range, and answers that parse with the route contracts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeHandler as makeDigestsHandler } from '../../functions/audit-digests/compose.js';
import { makeHandler as makePublicKeyHandler } from '../../functions/audit-public-key/compose.js';
import { makeFileSigner } from '../../lib/audit/digest/file-signer.js';
import { makeSealAuditWindows } from '../../lib/audit/digest/seal.js';
import { digestPage, digestPublicKey } from '../../lib/contracts/audit-evidence.js';
import type { HttpEvent } from '../../lib/http/handler.js';
import { AUDITOR, auditGateOnFakes, NOT_AUDITOR } from '../support/audit-gate.js';
import { auditTrail } from '../support/audit-records.js';
import { ampleBudget } from '../support/budget.js';
import { memoryDigestStore, memoryWindowRecords } from '../support/digest-memory.js';
import { buildContext, buildEvent, iamAuthorizer } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

const T0 = Date.parse('2026-04-01T00:00:00.000Z');
const HTTP = { logger: silentLogger(), maxBodyBytes: 1024 };

let dir: string;
const store = memoryDigestStore();
let signer: ReturnType<typeof makeFileSigner>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-routes-'));
  signer = makeFileSigner(join(dir, 'key.pem'));
  const seal = makeSealAuditWindows({
    store,
    records: memoryWindowRecords(auditTrail(20, { t0: T0, stepMs: 90_000, prefix: 'RTE' })),
    signer,
    clock: () => new Date(T0 + 7_200_000),
    settings: { windowSeconds: 300, settleSeconds: 60 },
  });
  await seal(ampleBudget(60_000));
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Handler = (
  event: HttpEvent,
  context: ReturnType<typeof buildContext>,
) => Promise<{
  statusCode?: number;
  body?: string;
}>;

function caller(handler: Handler, path: string) {
  return async (as: string, query?: Record<string, string>) => {
    const event = buildEvent({
      method: 'GET',
      path,
      queryStringParameters: query,
      authorizer: iamAuthorizer(as),
    });
    const response = await handler(event, buildContext());
    return {
      status: response.statusCode,
      json: JSON.parse(String(response.body)) as Record<string, unknown>,
    };
  };
}

const digestsGate = auditGateOnFakes();
const getDigests = caller(
  makeDigestsHandler({ store, admitAuditor: digestsGate.admitAuditor }, HTTP),
  '/v1/audit/digests',
);
const getPublicKey = (gate = auditGateOnFakes()) =>
  caller(
    makePublicKeyHandler({ publicKey: () => signer.publicKey(), admitAuditor: gate.admitAuditor }, HTTP),
    '/v1/audit/public-key',
  );

describe('GET /v1/audit/digests', () => {
  it('refuses a non-auditor with 403 whatever the query, and records each refusal as AUDIT_DENIED', async () => {
    // Prepare
    const before = digestsGate.audit.records.length;
    // Act
    const plain = await getDigests(NOT_AUDITOR);
    const bogus = await getDigests(NOT_AUDITOR, { bogus: '1' });
    // Assess
    assert.deepEqual([plain.status, bogus.status], [403, 403]);
    assert.equal(plain.json.code, 'not_allowed');
    const refusals = digestsGate.audit.records.slice(before);
    assert.deepEqual(
      refusals.map((record) => [record.decision, record.reason, record.detail, record.callerKey]),
      [
        ['AUDIT_DENIED', 'not_an_auditor', 'audit-digests', 'aws:111111111111:role/reporting-service'],
        ['AUDIT_DENIED', 'not_an_auditor', 'audit-digests', 'aws:111111111111:role/reporting-service'],
      ],
    );
  });

  it("charges every request to the caller's audit rate and answers 429 over it, auditors included", async () => {
    // Prepare
    const gate = auditGateOnFakes({ overAudit: true });
    const get = caller(
      makeDigestsHandler({ store, admitAuditor: gate.admitAuditor }, HTTP),
      '/v1/audit/digests',
    );
    // Act
    const auditor = await get(AUDITOR);
    const other = await get(NOT_AUDITOR);
    // Assess
    assert.deepEqual([auditor.status, other.status], [429, 429]);
    assert.deepEqual(gate.rateLimiter.charged, [['audit'], ['audit']]);
    assert.deepEqual(gate.audit.decisions(), ['RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('pages through every digest in chain order with cursors', async () => {
    // Act
    const starts: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await getDigests(AUDITOR, { limit: '7', ...(cursor ? { cursor } : {}) });
      assert.equal(page.status, 200);
      const body = digestPage.parse(page.json);
      starts.push(...body.items.map((item) => item.windowStart));
      cursor = body.cursor;
      pages += 1;
    } while (cursor !== undefined);
    // Assess
    assert.equal(starts.length, store.digests.size);
    assert.deepEqual(starts, [...store.digests.keys()].sort());
    assert.equal(pages, Math.ceil(store.digests.size / 7));
  });

  it('keeps to [from, to) on the window start', async () => {
    // Act
    const page = await getDigests(AUDITOR, { from: '2026-04-01T00:10:00Z', to: '2026-04-01T00:25:00Z' });
    // Assess
    assert.deepEqual(
      digestPage.parse(page.json).items.map((item) => item.windowStart),
      ['2026-04-01T00:10:00.000Z', '2026-04-01T00:15:00.000Z', '2026-04-01T00:20:00.000Z'],
    );
  });

  it('refuses a cursor made for another range, an inverted range and unknown parameters', async () => {
    // Prepare
    const first = digestPage.parse((await getDigests(AUDITOR, { limit: '2' })).json);
    assert.ok(first.cursor);
    // Act
    const foreign = await getDigests(AUDITOR, { cursor: first.cursor, from: '2026-04-01T00:00:00Z' });
    const garbage = await getDigests(AUDITOR, { cursor: 'bm90LWEtY3Vyc29y' });
    const inverted = await getDigests(AUDITOR, { from: '2026-04-02', to: '2026-04-01' });
    const unknown = await getDigests(AUDITOR, { windows: 'all' });
    // Assess
    assert.deepEqual(
      [foreign, garbage, inverted, unknown].map((r) => [r.status, r.json.code]),
      [
        [400, 'invalid_cursor'],
        [400, 'invalid_cursor'],
        [400, 'invalid_range'],
        [400, 'invalid_request'],
      ],
    );
  });
});

describe('GET /v1/audit/public-key', () => {
  it('gives auditors the key the digests name, and nobody else (the refusal recorded as AUDIT_DENIED)', async () => {
    // Prepare
    const gate = auditGateOnFakes();
    const get = getPublicKey(gate);
    // Act
    const auditor = await get(AUDITOR);
    const other = await get(NOT_AUDITOR);
    // Assess
    assert.equal(auditor.status, 200);
    const key = digestPublicKey.parse(auditor.json);
    assert.equal(key.keyId, (await signer.publicKey()).keyId);
    assert.match(key.pem, /^-----BEGIN PUBLIC KEY-----/);
    assert.ok(!JSON.stringify(auditor.json).includes('PRIVATE'));
    assert.equal(other.status, 403);
    assert.equal(other.json.code, 'not_allowed');
    assert.deepEqual(gate.audit.decisions(), ['AUDIT_DENIED']);
    assert.equal(gate.audit.only('AUDIT_DENIED').detail, 'audit-public-key');
    assert.deepEqual(gate.rateLimiter.charged, [['audit'], ['audit']]);
  });
});
