/**
 * GET /v1/audit/digests and GET /v1/audit/public-key through the real HTTP chain: auditors
 * only, strict query, pages in chain order with cursors bound to their range, and answers
 * that parse with the route contracts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { auditDigestsRoute } from '../../functions/audit-digests/route.js';
import { auditPublicKeyRoute } from '../../functions/audit-public-key/route.js';
import { makeDigestListing } from '../../lib/audit/digest/digest-listing.js';
import { makeFileSigner } from '../../lib/audit/digest/file-signer.js';
import { makeSealAuditWindows } from '../../lib/audit/digest/seal.js';
import { digestPage, digestPublicKey } from '../../lib/contracts/audit-evidence.js';
import { type Caller, callerRefKey } from '../../lib/grants/caller.js';
import { httpHandler, type Route } from '../../lib/http/handler.js';
import { auditTrail } from '../support/audit-records.js';
import { ampleBudget } from '../support/budget.js';
import { memoryDigestStore, memoryWindowRecords } from '../support/digest-memory.js';
import { buildContext, buildEvent, iamAuthorizer } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

const AUDITOR = 'arn:aws:sts::111111111111:assumed-role/security-audit/alice';
const NOT_AUDITOR = 'arn:aws:sts::111111111111:assumed-role/reporting-service/w1';
const T0 = Date.parse('2026-04-01T00:00:00.000Z');
const auditorKey = callerRefKey('arn:aws:iam::111111111111:role/security-audit');
const allowList = { isAuditor: (caller: Caller) => caller.key === auditorKey };
const logger = { warn: () => undefined } as never;

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

function caller<Q>(route: Route<undefined, Q>, path: string) {
  const handler = httpHandler(route, { logger: silentLogger(), maxBodyBytes: 1024 });
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

const getDigests = caller(
  auditDigestsRoute({ listDigests: makeDigestListing({ store }), allowList, logger }),
  '/v1/audit/digests',
);
const getPublicKey = () =>
  caller(
    auditPublicKeyRoute({ publicKey: () => signer.publicKey(), allowList, logger }),
    '/v1/audit/public-key',
  );

describe('GET /v1/audit/digests', () => {
  it('refuses a non-auditor with 403, whatever the query', async () => {
    // Act
    const plain = await getDigests(NOT_AUDITOR);
    const bogus = await getDigests(NOT_AUDITOR, { bogus: '1' });
    // Assess
    assert.deepEqual([plain.status, bogus.status], [403, 403]);
    assert.equal(plain.json.code, 'not_allowed');
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
  it('gives auditors the key the digests name, and nobody else', async () => {
    // Act
    const get = getPublicKey();
    const auditor = await get(AUDITOR);
    const other = await get(NOT_AUDITOR);
    // Assess
    assert.equal(auditor.status, 200);
    const key = digestPublicKey.parse(auditor.json);
    assert.equal(key.keyId, (await signer.publicKey()).keyId);
    assert.match(key.pem, /^-----BEGIN PUBLIC KEY-----/);
    assert.ok(!JSON.stringify(auditor.json).includes('PRIVATE'));
    assert.equal(other.status, 403);
  });
});
