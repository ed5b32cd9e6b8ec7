/**
 * Audit digest chain: sealing one window of 10,000 records, and verifying 10,000 and
 * 100,000 records (same density: 10× the windows) against their digests. Verification
 * must grow linearly: the 100k / 10k ratio, measured in this run, within 12×.
 *
 * In memory (test/support/digest-memory.ts), so the figures are the chain's own work:
 * canonical JSON, SHA-256, ECDSA P-256 signatures, and the comparison of every record.
 * `npx tsx bench/audit-digest.ts`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeFileSigner } from '../lib/audit/digest/file-signer.js';
import { makeSealAuditWindows } from '../lib/audit/digest/seal.js';
import { verifyAuditTrail } from '../lib/audit/digest/verify.js';
import { storeVerifySources } from '../lib/audit/digest/verify-sources.js';
import type { AuditRecordView } from '../lib/audit/view.js';
import { auditTrail } from '../test/support/audit-records.js';
import { ampleBudget } from '../test/support/budget.js';
import { memoryDigestStore, memoryWindowRecords } from '../test/support/digest-memory.js';
import { appendResult } from './support/results.js';
import { type Figure, median, printTable } from './support/stats.js';

const REPS = 3;
const WINDOW_SECONDS = 300;
const T0 = Date.parse('2026-05-01T00:00:00.000Z');
const dir = mkdtempSync(join(tmpdir(), 'bench-digest-'));
const signer = makeFileSigner(join(dir, 'key.pem'));

/** About `count` records, `perWindow` of them in each 5-minute window. */
function records(count: number, perWindow: number): AuditRecordView[] {
  const issuances = Math.ceil(count / 1.9);
  const stepMs = (WINDOW_SECONDS * 1000 * 1.9) / perWindow;
  return auditTrail(issuances, { t0: T0, stepMs, prefix: 'BEN' }).slice(0, count);
}

async function sealAll(trail: AuditRecordView[]) {
  const store = memoryDigestStore();
  const last = Date.parse(trail.at(-1)?.at ?? new Date(T0).toISOString());
  const seal = makeSealAuditWindows({
    store,
    records: memoryWindowRecords(trail),
    signer,
    clock: () => new Date(last + 3_600_000),
    settings: { windowSeconds: WINDOW_SECONDS, settleSeconds: 120 },
    lookbackDays: 1,
  });
  const started = performance.now();
  const run = await seal(ampleBudget(3_600_000));
  return { store, ms: performance.now() - started, windows: run.sealed.length };
}

async function verifyMs(trail: AuditRecordView[]) {
  const { store } = await sealAll(trail);
  const sources = storeVerifySources(store, memoryWindowRecords(trail), await signer.publicKey(), () =>
    ampleBudget(),
  );
  const started = performance.now();
  const report = await verifyAuditTrail(sources, {
    now: new Date(Date.parse(trail.at(-1)?.at ?? '') + 7_200_000),
  });
  const ms = performance.now() - started;
  if (!report.ok || report.records !== trail.length)
    throw new Error(`verification failed: ${JSON.stringify(report).slice(0, 300)}`);
  return ms;
}

try {
  // One window of 10,000 records (plus the empty windows around it, sealed too).
  const dense = records(10_000, 10_000);
  const seal10k: number[] = [];
  for (let rep = 0; rep < REPS; rep += 1) {
    const { store, ms } = await sealAll(dense);
    const largest = Math.max(...[...store.digests.values()].map((digest) => digest.leaves.length));
    if (largest < 9_000) throw new Error(`the dense window holds ${largest} records`);
    seal10k.push(ms);
  }
  const small = records(10_000, 500);
  const large = records(100_000, 500);
  const verify10k: number[] = [];
  const verify100k: number[] = [];
  for (let rep = 0; rep < REPS; rep += 1) {
    verify10k.push(await verifyMs(small));
    verify100k.push(await verifyMs(large));
  }
  const ratio = median(verify100k) / median(verify10k);
  const figures: Figure[] = [
    { name: 'seal a 10,000-record window', unit: 'ms', values: seal10k },
    { name: 'verify 10,000 records', unit: 'ms', values: verify10k },
    { name: 'verify 100,000 records', unit: 'ms', values: verify100k },
    { name: 'verify 100k / 10k', unit: '×', values: [ratio], target: '<= 12' },
  ];
  printTable('audit digest chain (in memory)', figures);
  const verdict = ratio <= 12 ? 'linear: ratio within 12×' : 'NOT linear: ratio above 12×';
  console.log(verdict);
  appendResult({
    command: 'npx tsx bench/audit-digest.ts',
    figures,
    notes: `${verdict}; 500 records per 5-minute window for the verify runs`,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
