/**
 * Policy engine benchmark: `npx tsx bench/policy.ts`.
 *
 * 1. Containment of a ~2048-character request in a ~2048-character ceiling (the AWS inline
 *    policy limit, so the worst realistic size): ops/s and p50 latency.
 * 2. Adversarial globs: `*a*a*a*a*a*a*a*a*b` against n, 2n and 4n `a`s. A backtracking
 *    matcher is polynomial of high degree here; ours must grow linearly (ratios ~2 and ~4).
 * Each figure is measured over several repetitions; min and median are printed.
 */
import {
  checkContainment,
  globMatch,
  type Policy,
  parsePolicyText,
  patternCovers,
} from '../lib/policy/index.js';

const REPETITIONS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function parseOrThrow(text: string, side: 'request' | 'ceiling'): { policy: Policy; size: number } {
  const parsed = parsePolicyText(text, 'aws', side);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return { policy: parsed.policy, size: parsed.size };
}

/** A request near 2048 characters: many actions and resource prefixes, all inside the ceiling. */
function buildPolicies(): { request: Policy; ceiling: Policy; requestSize: number; ceilingSize: number } {
  const verbs = ['Get', 'Put', 'List', 'Describe', 'Delete', 'Create', 'Update', 'Tag'];
  const actions = verbs.flatMap((verb) => [`s3:${verb}Object`, `s3:${verb}ObjectTag*`]);
  const resources = Array.from({ length: 40 }, (_, i) => `arn:aws:s3:::team-${i % 4}-data/project-${i}/*`);
  const requestText = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Objects', Effect: 'Allow', Action: actions.slice(0, 10), Resource: resources.slice(0, 39) },
      {
        Sid: 'Tables',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: [
          'arn:aws:dynamodb:eu-west-1:111122223333:table/orders',
          'arn:aws:dynamodb:eu-west-1:111122223333:table/orders/index/*',
        ],
      },
    ],
  });
  const ceilingText = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      ...Array.from({ length: 8 }, (_, i) => ({
        Sid: `Team${i}`,
        Effect: 'Allow',
        Action: ['s3:Get*', 's3:Put*', 's3:List*', 's3:Describe*', 's3:Delete*', 's3:Create*'],
        Resource: [`arn:aws:s3:::team-${i}-data/*`, `arn:aws:s3:::team-${i}-data`],
      })),
      {
        Sid: 'Db',
        Effect: 'Allow',
        Action: ['dynamodb:*'],
        Resource: ['arn:aws:dynamodb:*:111122223333:table/*'],
      },
      {
        Sid: 'NoAdmin',
        Effect: 'Deny',
        Action: ['s3:PutBucketPolicy', 's3:DeleteBucket', 'iam:*'],
        Resource: ['*'],
      },
      { Sid: 'NoLogs', Effect: 'Deny', Action: ['s3:*'], Resource: ['arn:aws:s3:::audit-logs*'] },
    ],
  });
  const request = parseOrThrow(requestText, 'request');
  const ceiling = parseOrThrow(ceilingText, 'ceiling');
  return {
    request: request.policy,
    ceiling: ceiling.policy,
    requestSize: request.size,
    ceilingSize: ceiling.size,
  };
}

function benchContainment(): void {
  const { request, ceiling, requestSize, ceilingSize } = buildPolicies();
  const verdict = checkContainment(request, ceiling, 'aws');
  if (!verdict.contained) throw new Error(`bench policy not contained: ${verdict.explanation.join(' ')}`);
  const pairs = request.statements.reduce((sum, s) => sum + s.actions.length * s.resources.length, 0);
  const opsPerSecond: number[] = [];
  const p50s: number[] = [];
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const latencies: number[] = [];
    const started = performance.now();
    while (performance.now() - started < 300) {
      const before = performance.now();
      checkContainment(request, ceiling, 'aws');
      latencies.push(performance.now() - before);
    }
    opsPerSecond.push(latencies.length / ((performance.now() - started) / 1000));
    p50s.push(median(latencies));
  }
  console.log(
    `containment: request ${requestSize} chars (${pairs} action×resource pairs), ceiling ${ceilingSize} chars`,
  );
  console.log(
    `  ops/s  min ${Math.min(...opsPerSecond).toFixed(0)}  median ${median(opsPerSecond).toFixed(0)}` +
      `   p50 latency  min ${(Math.min(...p50s) * 1000).toFixed(1)} µs  median ${(median(p50s) * 1000).toFixed(1)} µs`,
  );
}

/** Milliseconds per call of `work`, min and median over repetitions. */
function timeIt(work: () => unknown): { min: number; median: number } {
  const samples: number[] = [];
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return { min: Math.min(...samples), median: median(samples) };
}

function benchAdversarial(label: string, base: number, work: (length: number) => unknown): void {
  work(base); // warm up the JIT so the first size is not penalised
  const sizes = [base, base * 2, base * 4];
  const timings = sizes.map((length) => timeIt(() => work(length)));
  console.log(label);
  sizes.forEach((length, index) => {
    const timing = timings[index];
    if (timing === undefined) return;
    console.log(
      `  n=${length.toLocaleString('en')}  min ${timing.min.toFixed(2)} ms  median ${timing.median.toFixed(2)} ms`,
    );
  });
  for (const statistic of ['min', 'median'] as const) {
    const [one, two, four] = timings.map((timing) => timing[statistic]);
    if (one === undefined || two === undefined || four === undefined) continue;
    console.log(
      `  ratio (${statistic}) 2n/n ${(two / one).toFixed(2)}   4n/n ${(four / one).toFixed(2)}   (linear: ~2 and ~4)`,
    );
  }
}

benchContainment();
const adversarial = '*a*a*a*a*a*a*a*a*b';
const texts = new Map<number, string>();
const run = (length: number) => {
  let text = texts.get(length);
  if (text === undefined) {
    text = 'a'.repeat(length);
    texts.set(length, text);
  }
  return text;
};
benchAdversarial(`globMatch('${adversarial}', 'a'.repeat(n))`, 250_000, (length) => {
  if (globMatch(adversarial, run(length))) throw new Error('must not match');
});
// The same shape with the `b` inside the text's reach: the matcher must scan to the end.
benchAdversarial(`globMatch('${adversarial}*', 'a'.repeat(n))`, 250_000, (length) => {
  if (globMatch(`${adversarial}*`, run(length))) throw new Error('must not match');
});
const starred = new Map([250_000, 500_000, 1_000_000].map((length) => [length, `${run(length)}*`]));
benchAdversarial(`patternCovers('${adversarial}', 'a'.repeat(n) + '*')`, 250_000, (length) => {
  if (!patternCovers(adversarial, starred.get(length) ?? '')) return;
  throw new Error('must not cover');
});
