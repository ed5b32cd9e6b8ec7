/**
 * Worst requests: `npx tsx bench/worst-request.ts`.
 *
 * The costliest bodies that fit in the 64 KB limit, sent through the deployed issuance chain
 * (middy, logger, EMF metrics, body validation, allow-list, session policy, response) with
 * in-process fakes at the ports (bench/support/issuance-chain.ts, shared with handler-overhead.ts).
 * Per request: CPU time (process.cpuUsage, all threads) and heap growth (heapUsed after the
 * request minus heapUsed after a forced GC before it; a minor GC during the request can hide
 * short-lived garbage, so it is a floor on the peak, but retained work such as one reason per
 * pair shows in full). Targets: ≤ 50 ms CPU and ≤ 64 MB heap each. An ordinary small request
 * runs in the same process, so the ratios compare like with like.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Context } from 'aws-lambda';
import { buildContext, buildEvent, iamAuthorizer } from '../test/support/lambda.js';
import { issuanceChain, MAX_BODY_BYTES } from './support/issuance-chain.js';
import { appendResult } from './support/results.js';
import { sinkOutput } from './support/sink.js';
import { type Figure, median, printTable } from './support/stats.js';

const REPETITIONS = 15;
const WARMUP = 3;
const CALLER_ARN = 'arn:aws:sts::111111111111:assumed-role/reporting-service/bench';
const CPU_TARGET_MS = 50;
const HEAP_TARGET_MB = 64;

// `--expose-gc` without asking for a flag: run-all.ts starts every bench the same way.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const { handler } = issuanceChain(['aws', 'volcengine']);

/** Repeats `item` as many times as fit in `room` characters once joined by commas. */
function fill(item: string, room: number): string {
  return Array.from({ length: Math.floor((room + 1) / (item.length + 1)) }, () => item).join(',');
}

/** A raw body of at most 64 KB: `make(room)` gets the characters left for its filler. */
function nearLimit(make: (room: number) => string): string {
  const room = MAX_BODY_BYTES - make(0).length;
  const body = make(room);
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new Error(`body of ${body.length} bytes`);
  return body;
}

const volcengineStatement = `{"Effect":"Allow","Action":[${fill('"t:a"', 5_999)}],"Resource":[${fill('"trn::::"', 9_999)}]}`;
const maximalUncovered = {
  Statement: [
    {
      Effect: 'Allow',
      Action: Array.from({ length: 100 }, () => 't:a'),
      Resource: Array.from({ length: 100 }, () => 'trn::::'),
    },
  ],
};

interface Case {
  name: string;
  rawBody: string;
}

const cases: Case[] = [
  {
    name: 'small: contained Volcengine policy',
    rawBody: JSON.stringify({
      grant: 'tos-reader',
      policy: {
        Statement: [{ Effect: 'Allow', Action: ['tos:GetObject'], Resource: ['trn:tos:::reports/a'] }],
      },
    }),
  },
  {
    name: 'Volcengine 3 × 1000 × 1000 (48 KB)',
    rawBody: `{"grant":"tos-reader","policy":{"Statement":[${[1, 2, 3].map(() => volcengineStatement).join(',')}]}}`,
  },
  {
    name: '100 × 100 pairs outside the ceiling',
    rawBody: JSON.stringify({ grant: 'tos-reader', policy: maximalUncovered }),
  },
  {
    name: 'deep JSON (nested arrays)',
    rawBody: nearLimit((room) => {
      const depth = Math.floor(room / 2);
      return `{"grant":"tos-reader","policy":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    }),
  },
  {
    name: 'wide JSON (policy of many keys)',
    rawBody: nearLimit((room) => {
      const keys = Math.floor(room / 12);
      const fields = Array.from({ length: keys }, (_, i) => `"k${String(i).padStart(6, '0')}":0`);
      return `{"grant":"tos-reader","policy":{${fields.join(',')}}}`;
    }),
  },
  {
    name: 'many unknown top-level fields',
    rawBody: nearLimit((room) => {
      const keys = Math.floor(room / 12);
      const fields = Array.from({ length: keys }, (_, i) => `"u${String(i).padStart(6, '0')}":0`);
      return `{"grant":"tos-reader",${fields.join(',')}}`;
    }),
  },
];

interface Measured {
  status: number;
  /** The error code of a refusal, or `issued`. */
  outcome: string;
  cpuMs: number;
  heapMb: number;
}

async function measure(rawBody: string, i: number): Promise<Measured> {
  const event = buildEvent({ rawBody, authorizer: iamAuthorizer(CALLER_ARN) });
  const context: Context = { ...buildContext(), awsRequestId: `bench-${i}` };
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  const response = await handler(event, context);
  const cpu = process.cpuUsage(cpuBefore);
  const heapAfter = process.memoryUsage().heapUsed;
  return {
    status: response.statusCode ?? 200,
    outcome: outcomeOf(response.body),
    cpuMs: (cpu.user + cpu.system) / 1000,
    heapMb: Math.max(0, heapAfter - heapBefore) / 2 ** 20,
  };
}

function outcomeOf(body: string | undefined): string {
  const parsed: unknown = JSON.parse(body ?? '{}');
  const code = typeof parsed === 'object' && parsed !== null && 'code' in parsed ? parsed.code : undefined;
  return typeof code === 'string' ? code : 'issued';
}

const sink = sinkOutput();
const results: { name: string; bytes: number; outcome: string; cpu: Figure; heap: Figure }[] = [];
try {
  for (const [index, { name, rawBody }] of cases.entries()) {
    const cpu: Figure = { name: `${name} CPU`, unit: 'ms', values: [], target: `≤ ${CPU_TARGET_MS} ms` };
    const heap: Figure = { name: `${name} heap`, unit: 'MB', values: [], target: `≤ ${HEAP_TARGET_MB} MB` };
    let outcome = '';
    for (let rep = 0; rep < WARMUP + REPETITIONS; rep++) {
      const measured = await measure(rawBody, index * 1000 + rep);
      outcome = `${measured.status} ${measured.outcome}`;
      if (rep < WARMUP) continue;
      cpu.values.push(measured.cpuMs);
      heap.values.push(measured.heapMb);
    }
    results.push({ name, bytes: Buffer.byteLength(rawBody), outcome, cpu, heap });
  }
} finally {
  sink.restore();
}

const figures = results.flatMap(({ cpu, heap }) => [cpu, heap]);
printTable(
  `Worst requests through the issuance chain: ${REPETITIONS} reps each, fakes at the ports`,
  figures,
);
const small = results[0];
const worstCpu = Math.max(...results.map(({ cpu }) => Math.max(...cpu.values)));
const worstHeap = Math.max(...results.map(({ heap }) => Math.max(...heap.values)));
const lines = results.map(({ name, bytes, outcome, cpu }) => {
  const ratio = small === undefined ? Number.NaN : median(cpu.values) / median(small.cpu.values);
  return `${name}: ${bytes} B → ${outcome}, CPU ×${ratio.toFixed(1)} the small request`;
});
console.log(`\n${lines.join('\n')}`);
console.log(`worst single request: ${worstCpu.toFixed(1)} ms CPU, ${worstHeap.toFixed(1)} MB heap growth`);
const withinTargets = worstCpu <= CPU_TARGET_MS && worstHeap <= HEAP_TARGET_MB;
console.log(withinTargets ? 'within targets' : 'OVER TARGET');
appendResult({
  command: 'npx tsx bench/worst-request.ts',
  figures,
  notes: `${lines.join('; ')}; worst single request ${worstCpu.toFixed(1)} ms CPU and ${worstHeap.toFixed(1)} MB heap (targets ${CPU_TARGET_MS} ms, ${HEAP_TARGET_MB} MB)`,
});
if (!withinTargets) process.exitCode = 1;
