/**
 * Property: for any trail, any set of records deleted, modified or backdated into sealed
 * windows after sealing, the verifier names exactly those records with exactly those
 * codes. The oracle is the list of tampering steps itself; it shares no code with the
 * verifier (no hashing, no leaf lists).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { makeFileSigner } from '../../../../lib/audit/digest/file-signer.js';
import { makeSealAuditWindows } from '../../../../lib/audit/digest/seal.js';
import { verifyAuditTrail } from '../../../../lib/audit/digest/verify.js';
import { storeVerifySources } from '../../../../lib/audit/digest/verify-sources.js';
import type { AuditRecordView } from '../../../../lib/audit/view.js';
import { ampleBudget } from '../../../support/budget.js';
import { memoryDigestStore, memoryWindowRecords } from '../../../support/digest-memory.js';

const T0 = Date.parse('2026-02-01T00:00:00.000Z');
const HOUR = 3_600_000;
const keyDir = mkdtempSync(join(tmpdir(), 'digest-prop-'));
const signer = makeFileSigner(join(keyDir, 'key.pem'));
after(() => rmSync(keyDir, { recursive: true, force: true }));

const recordAt = (n: number, offsetMs: number): AuditRecordView => ({
  issuanceId: `P${String(n).padStart(6, '0')}`,
  decision: n % 3 === 0 ? 'DENIED' : 'ISSUED',
  at: new Date(T0 + offsetMs).toISOString(),
  callerKey: `aws:111111111111:role/caller-${n % 4}`,
  callerPrincipal: `arn:aws:iam::111111111111:role/caller-${n % 4}`,
  callerKind: 'aws',
  durationSeconds: 900 + n,
});

const scenario = fc
  .record({
    offsets: fc.array(fc.integer({ min: 0, max: HOUR - 1 }), { minLength: 1, maxLength: 40 }),
    windowSeconds: fc.constantFrom(60, 300, 900),
    fate: fc.array(fc.constantFrom('keep', 'delete', 'modify'), { minLength: 40, maxLength: 40 }),
    inserted: fc.array(fc.integer({ min: 0, max: HOUR - 1 }), { maxLength: 5 }),
  })
  .map(({ offsets, windowSeconds, fate, inserted }) => ({
    records: offsets.map((offset, n) => recordAt(n, offset)),
    windowSeconds,
    fate,
    inserted: inserted.map((offset, n) => recordAt(1000 + n, offset)),
  }));

describe('verifier property: names exactly what was tampered with', () => {
  it('reports DELETED, MODIFIED and INSERTED_AFTER_SEAL for exactly the tampered records', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ records, windowSeconds, fate, inserted }) => {
        // Prepare: seal the whole hour.
        const store = memoryDigestStore();
        const now = new Date(T0 + 2 * HOUR);
        const seal = makeSealAuditWindows({
          store,
          records: memoryWindowRecords(records),
          signer,
          clock: () => now,
          settings: { windowSeconds, settleSeconds: 120 },
        });
        await seal(ampleBudget(60_000));
        // Act: tamper, then verify what is left.
        const expected: string[] = [];
        const tampered: AuditRecordView[] = [];
        records.forEach((record, n) => {
          const id = `${record.issuanceId}/${record.decision}`;
          if (fate[n] === 'delete') expected.push(`DELETED ${id}`);
          else if (fate[n] === 'modify') {
            expected.push(`MODIFIED ${id}`);
            tampered.push({ ...record, callerKey: 'aws:999999999999:role/someone-else' });
          } else tampered.push(record);
        });
        for (const record of inserted)
          expected.push(`INSERTED_AFTER_SEAL ${record.issuanceId}/${record.decision}`);
        const report = await verifyAuditTrail(
          storeVerifySources(
            store,
            memoryWindowRecords([...tampered, ...inserted]),
            await signer.publicKey(),
            () => ampleBudget(),
          ),
          { now },
        );
        // Assess
        const named = report.findings.map((finding) => `${finding.code} ${finding.recordId}`).sort();
        assert.deepEqual(named, expected.sort());
        assert.equal(report.ok, expected.length === 0);
      }),
      { numRuns: 40 },
    );
  });
});
