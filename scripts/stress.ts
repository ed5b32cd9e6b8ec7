/**
 * `npm run test:stress`: the fuzz and concurrency tests at full counts (10,000 fuzz cases,
 * 500 issuances through the local API), one file at a time so the figures are not skewed
 * by each other, then a summary of what each measured. Fails when a test fails.
 *
 * Counts can be changed: FUZZ_RUNS, BROKER_CONCURRENCY, BROKER_CONCURRENCY_IN_FLIGHT.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const FILES = ['test/fuzz/http-fuzz.test.ts', 'test/integration/concurrency.test.ts'];
mkdirSync('.test-tmp', { recursive: true });
const report = join('.test-tmp', 'stress.jsonl');
rmSync(report, { force: true });

const env = {
  ...process.env,
  FUZZ_RUNS: process.env.FUZZ_RUNS ?? '10000',
  BROKER_CONCURRENCY: process.env.BROKER_CONCURRENCY ?? '500',
  BROKER_CONCURRENCY_IN_FLIGHT: process.env.BROKER_CONCURRENCY_IN_FLIGHT ?? '16',
  BROKER_STRESS_REPORT: report,
};

const started = Date.now();
const status =
  spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...FILES],
    { stdio: 'inherit', env },
  ).status ?? 1;

const figures = existsSync(report)
  ? readFileSync(report, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  : [];
console.log('\nStress figures');
for (const { test, ...rest } of figures) {
  console.log(`  ${String(test).padEnd(12)} ${JSON.stringify(rest)}`);
}
console.log(
  `  total        ${Math.round((Date.now() - started) / 1000)} s, ${status === 0 ? 'passed' : 'FAILED'}`,
);
if (status !== 0 || figures.length < FILES.length) process.exit(1);
