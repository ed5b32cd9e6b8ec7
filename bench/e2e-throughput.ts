/**
 * Local end-to-end throughput: `npx tsx bench/e2e-throughput.ts`.
 *
 * autocannon against the local API (serverless-offline, stage local, on loopback), with
 * SigV4-signed requests as API Gateway's IAM authorizer would demand: issuance, the health
 * check and an audit query. Signing is async and autocannon's setupRequest is sync, so a
 * pool of requests is signed up front (valid for the verifier's 5-minute window) and
 * handed out in turn. Bounded: a short warm-up, then interleaved runs of a few seconds.
 * The figures describe serverless-offline on this machine, not Lambda.
 */
import { createRequire } from 'node:module';
import { signRequest } from '../lib/client/signed-fetch.js';
import { devIdentity, startStackFixture } from '../test/integration/stack-fixture.js';
import { appendResult } from './support/results.js';
import { type Figure, printTable } from './support/stats.js';

const REPETITIONS = 3;
const SECONDS = 4;
const CONNECTIONS = 4;
const POOL = 300;

interface CannonRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { setupRequest: (request: CannonRequest) => CannonRequest }[];
}) => Promise<CannonResult>;
// autocannon ships no types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Scenario {
  name: string;
  as: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}
const scenarios: Scenario[] = [
  {
    name: 'issuance',
    as: 'reporting-service',
    method: 'POST',
    path: '/v1/credentials',
    body: JSON.stringify({ grant: 'reports-reader', durationSeconds: 900 }),
  },
  { name: 'health', as: 'reporting-service', method: 'GET', path: '/v1/health' },
  {
    name: 'audit query',
    as: 'security-audit',
    method: 'GET',
    path: '/v1/issuances?grant=reports-reader&limit=20',
  },
];

console.log('starting the local stack ...');
const fixture = await startStackFixture({
  apiEnv: { BROKER_RATE_LIMIT_PER_MINUTE: '100000', POWERTOOLS_LOG_LEVEL: 'WARN' },
});

async function signedPool(scenario: Scenario): Promise<CannonRequest[]> {
  const now = Date.now();
  return Promise.all(
    Array.from({ length: POOL }, async (_, i) => {
      const url = `${fixture.stack.apiUrl}${scenario.path}`;
      // Distinct signatures, all inside the 5-minute window for the length of the run.
      const signingDate = new Date(now - (i % 60) * 1000);
      const headers = await signRequest(
        url,
        { method: scenario.method, body: scenario.body, signingDate },
        devIdentity(scenario.as),
      );
      return { method: scenario.method, path: scenario.path, headers, body: scenario.body };
    }),
  );
}

async function run(scenario: Scenario, seconds: number): Promise<CannonResult> {
  const pool = await signedPool(scenario);
  let next = 0;
  return autocannon({
    url: fixture.stack.apiUrl,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: () =>
          pool[next++ % pool.length] ?? pool[0] ?? { method: 'GET', path: '/', headers: {} },
      },
    ],
  });
}

const figures = new Map<string, { rps: Figure; p50: Figure; p99: Figure; failures: number; total: number }>();
try {
  for (const scenario of scenarios) {
    const probe = await fixture.call(scenario.as, scenario.method, scenario.path, scenario.body);
    if (!probe.ok) throw new Error(`${scenario.name}: ${probe.status} ${await probe.text()}`);
    await run(scenario, 2); // warm-up: serverless-offline loads each function on first use
    figures.set(scenario.name, {
      rps: { name: `${scenario.name} req/s`, unit: 'req/s', values: [] },
      p50: { name: `${scenario.name} p50`, unit: 'ms', values: [] },
      p99: { name: `${scenario.name} p99`, unit: 'ms', values: [] },
      failures: 0,
      total: 0,
    });
  }
  for (let rep = 0; rep < REPETITIONS; rep++) {
    for (const scenario of scenarios) {
      const result = await run(scenario, SECONDS);
      const entry = figures.get(scenario.name);
      if (!entry) continue;
      entry.rps.values.push(result.requests.average);
      entry.p50.values.push(result.latency.p50);
      entry.p99.values.push(result.latency.p99);
      entry.failures += result.non2xx + result.errors + result.timeouts;
      entry.total += result.requests.total;
    }
  }
} finally {
  await fixture.stop();
}

const all = [...figures.values()].flatMap((f) => [f.rps, f.p50, f.p99]);
printTable(
  `Local API (serverless-offline), ${CONNECTIONS} connections, ${REPETITIONS} × ${SECONDS} s per route, interleaved`,
  all,
);
const failures = [...figures.entries()].map(
  ([name, f]) => `${name} ${f.failures}/${f.total} non-2xx or errors`,
);
console.log(failures.join('; '));
appendResult({
  command: 'npx tsx bench/e2e-throughput.ts',
  figures: all,
  notes: `${CONNECTIONS} connections, ${REPETITIONS}×${SECONDS} s per route; ${failures.join('; ')};`,
});
process.exit(0);
