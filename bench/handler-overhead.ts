/**
 * Handler overhead: `npx tsx bench/handler-overhead.ts`.
 *
 * The deployed issuance chain (middy, Powertools logger and EMF metrics, body validation,
 * allow-list, duration, session policy and tags, response) with in-process fakes for STS,
 * the audit store and the rate limiter, so every microsecond measured is the broker's own.
 * Also the bare use case (no HTTP chain) to show what the chain adds. Target: p99 ≤ 1 ms.
 */
import type { Context } from 'aws-lambda';
import { awsCaller } from '../lib/grants/caller.js';
import { buildContext, buildEvent, iamAuthorizer } from '../test/support/lambda.js';
import { issuanceChain } from './support/issuance-chain.js';
import { appendResult } from './support/results.js';
import { sinkOutput } from './support/sink.js';
import { distribution, type Figure, printTable } from './support/stats.js';

const REPETITIONS = 7;
const REQUESTS = 2_000;
const WARMUP = 1_000;
const CALLER_ARN = 'arn:aws:sts::111111111111:assumed-role/reporting-service/bench';

const { issue, handler } = issuanceChain(['aws']);

const body = { grant: 'reports-reader', durationSeconds: 900 };
const event = buildEvent({ body, authorizer: iamAuthorizer(CALLER_ARN) });
const context = (i: number): Context => ({ ...buildContext(), awsRequestId: `bench-${i}` });
const caller = awsCaller(CALLER_ARN);
if (!caller) throw new Error(`not a caller ARN: ${CALLER_ARN}`);
const facts = { requestId: 'bench', budget: { remainingMs: () => 10_000 } };

async function timeEach(count: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

const chainOnce = async (i: number) => {
  const response = await handler(event, context(i));
  if (response.statusCode !== 201) throw new Error(`unexpected ${response.statusCode}: ${response.body}`);
};
const useCaseOnce = () => issue(caller, body, facts);

const sink = sinkOutput();
const figures: Record<string, Figure> = {
  chainP50: { name: 'chain p50', unit: 'ms', values: [] },
  chainP99: { name: 'chain p99', unit: 'ms', values: [], target: '≤ 1 ms' },
  chainMean: { name: 'chain mean', unit: 'ms', values: [] },
  useCaseP50: { name: 'use case p50', unit: 'ms', values: [] },
  useCaseP99: { name: 'use case p99', unit: 'ms', values: [] },
};
let logBytes = 0;
try {
  await timeEach(WARMUP, chainOnce);
  await timeEach(WARMUP, useCaseOnce);
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const before = sink.bytes();
    const chain = distribution(await timeEach(REQUESTS, chainOnce));
    logBytes = (sink.bytes() - before) / REQUESTS;
    const bare = distribution(await timeEach(REQUESTS, useCaseOnce));
    figures.chainP50?.values.push(chain.p50);
    figures.chainP99?.values.push(chain.p99);
    figures.chainMean?.values.push(chain.mean);
    figures.useCaseP50?.values.push(bare.p50);
    figures.useCaseP99?.values.push(bare.p99);
  }
} finally {
  sink.restore();
}

const all = Object.values(figures);
printTable(`Handler overhead: ${REPETITIONS} reps × ${REQUESTS} issuances, fakes for STS/audit/rate`, all);
console.log(`log + EMF output per issuance: ${logBytes.toFixed(0)} bytes`);
appendResult({
  command: 'npx tsx bench/handler-overhead.ts',
  figures: all,
  notes: `${REPETITIONS}×${REQUESTS} sequential; ${logBytes.toFixed(0)} B of log+EMF per issuance;`,
});
