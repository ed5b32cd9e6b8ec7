/**
 * N concurrent issuances through the local API (loopback only), with the rate limit
 * raised out of the way: every one must be issued exactly once, with its own issuance id
 * and access key, and exactly one ISSUED record each. N = BROKER_CONCURRENCY (default 100;
 * `npm run test:stress` runs 500). Figures go to the test's diagnostics and, when
 * BROKER_STRESS_REPORT names a file, to that file as one JSON line.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { scanAudit } from './audit-records.js';
import { type StackFixture, startStackFixture } from './stack-fixture.js';

const N = Number(process.env.BROKER_CONCURRENCY ?? 100);
/**
 * Requests the client keeps in flight. The local API gate lets 4 of them into
 * serverless-offline at once (each concurrent invocation there is a worker thread,
 * cold-started like a Lambda instance) and queues the rest.
 */
const IN_FLIGHT = Number(process.env.BROKER_CONCURRENCY_IN_FLIGHT ?? 8);
const CALLERS = [
  { as: 'reporting-service', grant: 'reports-reader' },
  { as: 'rotation-job', grant: 'doris-vault-rotation' },
];

let fixture: StackFixture;

before(async () => {
  fixture = await startStackFixture({
    apiEnv: {
      BROKER_RATE_LIMIT_PER_MINUTE: '100000',
      // Under a burst the two cores queue every call: give each call most of the budget.
      BROKER_STS_TIMEOUT_MS: '8000',
      BROKER_DYNAMODB_TIMEOUT_MS: '8000',
    },
  });
});
after(async () => {
  await fixture?.stop();
});

interface Issued {
  status: number;
  ms: number;
  issuanceId?: string;
  accessKeyId?: string;
  error?: string;
}

async function issueOne(index: number): Promise<Issued> {
  const caller = CALLERS[index % CALLERS.length] ?? CALLERS[0];
  const started = Date.now();
  try {
    const response = await fixture.call(caller?.as ?? '', 'POST', '/v1/credentials', {
      grant: caller?.grant,
    });
    const text = await response.text();
    const ms = Date.now() - started;
    if (response.status !== 201) return { status: response.status, ms, error: text.slice(0, 300) };
    const body = JSON.parse(text) as { issuanceId: string; credentials: { accessKeyId: string } };
    return { status: 201, ms, issuanceId: body.issuanceId, accessKeyId: body.credentials.accessKeyId };
  } catch (error) {
    return { status: 0, ms: Date.now() - started, error: String(error) };
  }
}

/** Runs `count` tasks with at most `limit` in flight. */
async function bounded<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

describe(`concurrency: ${N} issuances, ${IN_FLIGHT} in flight`, () => {
  it('issues every one exactly once, with distinct ids and keys, and no error', async (t) => {
    // Prepare: warm one instance per slot, so the figures measure the burst, not cold starts
    const warm = await bounded(IN_FLIGHT, IN_FLIGHT, issueOne);
    assert.deepEqual(
      warm.filter((r) => r.status !== 201),
      [],
    );
    const before = (await scanAudit(fixture.stack)).records.filter((r) => r.decision === 'ISSUED').length;
    // Act
    const started = Date.now();
    const results = await bounded(N, IN_FLIGHT, issueOne);
    const wallMs = Date.now() - started;
    // Assess
    const failures = results.filter((r) => r.status !== 201);
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${N} failed`);
    const ids = new Set(results.map((r) => r.issuanceId));
    const keys = new Set(results.map((r) => r.accessKeyId));
    assert.equal(ids.size, N);
    assert.equal(keys.size, N);
    const { records } = await scanAudit(fixture.stack);
    const issued = records.filter((r) => r.decision === 'ISSUED');
    assert.equal(issued.length - before, N, 'exactly one ISSUED record per issuance');
    const issuedById = new Map(issued.map((r) => [r.issuanceId, r.accessKeyId]));
    for (const result of results) assert.equal(issuedById.get(result.issuanceId ?? ''), result.accessKeyId);
    assert.equal(new Set(issued.map((r) => r.accessKeyId)).size, issued.length);

    const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
    const figures = {
      test: 'concurrency',
      n: N,
      inFlight: Math.min(IN_FLIGHT, N),
      wallMs,
      perSecond: Math.round((N / wallMs) * 1000),
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: latencies.at(-1) ?? 0,
      errors: failures.length,
    };
    t.diagnostic(JSON.stringify(figures));
    if (process.env.BROKER_STRESS_REPORT)
      appendFileSync(process.env.BROKER_STRESS_REPORT, `${JSON.stringify(figures)}\n`);
  });
});
