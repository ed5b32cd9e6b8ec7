/**
 * Audit query latency against table size: the same index-backed query (one caller's
 * newest 100 records) on a table of 1k and of 100k records in dynalite. An index-backed
 * Query reads only the page it returns, so its latency should not grow with the table:
 * target p50 ratio (100k / 1k) <= 1.2. Also prints the seeding throughput.
 *
 * Seeding uses BatchWriteItem straight into dynalite (bench only; the broker itself may
 * never BatchWrite the audit table, invariant 9).
 *
 *   npx tsx bench/audit-query.ts [--runs 200] [--large 100000]
 */
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { makeCursorSealer } from '../lib/audit/cursor.js';
import { makeDynamoAuditReader } from '../lib/audit/dynamodb-reader.js';
import { toItem } from '../lib/audit/dynamodb-store.js';
import { makeAuditQueries } from '../lib/audit/queries.js';
import { type AuditRecord, indexKeys } from '../lib/audit/record.js';
import { auditTableInput, ensureTable, localDynamoClient, startDynalite } from '../local/dynamodb.js';
import { AUDIT_CALLERS, issuanceRecords } from '../test/support/audit-records.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    large: { type: 'string', default: '100000' },
    memory: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const SIZES = [1_000, Number(values.large)];
const BATCH = 25;
const CONCURRENCY = 8;

/** Records until `count`: issuances 13 s apart, so 100k records span about a week. */
function* records(count: number): Generator<AuditRecord> {
  let produced = 0;
  for (let n = 0; produced < count; n += 1) {
    for (const record of issuanceRecords(n, { stepMs: 13_000 })) {
      if (produced++ < count) yield record;
    }
  }
}

async function seed(client: DynamoDBClient, table: string, count: number): Promise<number> {
  const started = performance.now();
  const source = records(count);
  const nextBatch = () => {
    // next(), not for-of: breaking out of a for-of would close the generator shared by the workers.
    const batch: AuditRecord[] = [];
    for (let next = source.next(); !next.done; next = source.next()) {
      batch.push(next.value);
      if (batch.length === BATCH) break;
    }
    return batch;
  };
  const worker = async () => {
    for (let batch = nextBatch(); batch.length > 0; batch = nextBatch()) {
      let requests: WriteRequest[] = batch.map((record) => ({
        PutRequest: { Item: toItem({ ...record, ...indexKeys(record) }) },
      }));
      while (requests.length > 0) {
        const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = output.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return count / ((performance.now() - started) / 1000);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function main() {
  // On disk (LevelDB) by default: in memory, 100k records x 7 copies (table + 6 ALL-projection
  // indexes) sit in this process's heap, and GC pauses, not the Query, dominate the latency.
  const dataDir = values.memory ? undefined : mkdtempSync(join(tmpdir(), 'bench-audit-'));
  const dynamo = await startDynalite({ port: 0, dataDir });
  const client = localDynamoClient(dynamo.url, { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench-secret' });
  const results: { size: number; seedPerSecond: number; p50: number; p95: number }[] = [];
  try {
    const tables = [];
    for (const size of SIZES) {
      const table = `bench-audit-${size}`;
      await ensureTable(client, auditTableInput(table));
      // dynalite answers CreateTable before the table is ACTIVE (on disk especially).
      await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
      const seedPerSecond = await seed(client, table, size);
      const queries = makeAuditQueries({
        reader: makeDynamoAuditReader({ client, tableName: table, timeoutMs: 10_000 }),
        cursors: makeCursorSealer('bench-cursor-key-0123456789abcdefghijkl'),
        clock: () => new Date(),
      });
      const budget = { remainingMs: () => 10_000 };
      const query = () => queries.list({ caller: AUDIT_CALLERS[1].key }, { limit: 100 }, budget);
      tables.push({ size, seedPerSecond, query, latencies: [] as number[] });
    }
    // Warm up, then alternate between the tables run by run, so JIT warm-up, GC and disk
    // cache effects land on both sizes alike instead of on whichever is measured first.
    for (let warm = 0; warm < 50; warm += 1) for (const t of tables) await t.query();
    for (let run = 0; run < RUNS; run += 1) {
      for (const t of tables) {
        const started = performance.now();
        const page = await t.query();
        t.latencies.push(performance.now() - started);
        if (page.items.length !== 100) throw new Error(`expected a full page, got ${page.items.length}`);
      }
    }
    for (const t of tables) {
      const sorted = t.latencies.sort((a, b) => a - b);
      results.push({
        size: t.size,
        seedPerSecond: t.seedPerSecond,
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
      });
    }
  } finally {
    await dynamo.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }

  const [small, large] = results;
  if (!small || !large) throw new Error('missing results');
  const ratio = large.p50 / small.p50;
  const ratio95 = large.p95 / small.p95;
  for (const r of results) {
    console.log(
      `${String(r.size).padStart(7)} records: seed ${r.seedPerSecond.toFixed(0)} records/s, query p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms (${RUNS} runs, byCaller, limit 100)`,
    );
  }
  const verdict = ratio <= 1.2 ? 'ok' : 'ABOVE TARGET';
  console.log(
    `ratio ${large.size}/${small.size}: p50 ${ratio.toFixed(2)}, p95 ${ratio95.toFixed(2)} (target p50 <= 1.2: ${verdict})`,
  );

  const file = 'bench/RESULTS.md';
  if (!existsSync(file)) {
    writeFileSync(
      file,
      '# Benchmark results\n\nOne row per run: date, the command, and the figures it printed.\n\n| Date | Command | Figures |\n|---|---|---|\n',
    );
  }
  const figures = results
    .map(
      (r) =>
        `${r.size} records: p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, seeding ${r.seedPerSecond.toFixed(0)} records/s`,
    )
    .join('; ');
  appendFileSync(
    file,
    `| ${new Date().toISOString().slice(0, 10)} | \`npx tsx bench/audit-query.ts\` | audit query byCaller, limit 100, ${RUNS} runs, dynalite ${dataDir ? 'on disk' : 'in memory'}: ${figures}. Ratio ${large.size}/${small.size}: p50 ${ratio.toFixed(2)}, p95 ${ratio95.toFixed(2)} (target p50 <= 1.2: ${verdict}). Node ${process.version.slice(1)}, ${cpus().length} vCPU. |\n`,
  );
}

await main();
