/**
 * `npm test`: lint, type-check, then every test file under test/ with node's test runner.
 * Prints a last line `N passed, N failed, N skipped` that CI reads, and fails when a
 * step fails, a test fails, or no test ran at all (an empty run must never look green).
 *
 * Usage: npm test [-- <path filter>...]   e.g. `npm test -- test/unit` skips lint and tsc.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const run = (command: string, args: string[]) =>
  spawnSync(command, args, { stdio: 'inherit', env: process.env }).status ?? 1;

if (filters.length === 0) {
  if (run('npx', ['biome', 'check', '.']) !== 0) fail('lint failed');
  if (run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']) !== 0) fail('type-check failed');
}

const testFiles = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => join('test', file))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.startsWith(filter)))
  .sort();
if (testFiles.length === 0) fail('no test files found');

mkdirSync('.test-tmp', { recursive: true });
// One file per run: concurrent runs must not read each other's summary.
const tapFile = join('.test-tmp', `results-${process.pid}.tap`);
const status = run(process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
  ...testFiles,
]);

const tap = readFileSync(tapFile, 'utf8');
rmSync(tapFile, { force: true });
const count = (label: string) => Number(tap.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const skipped = count('skipped') + count('todo');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (status !== 0 || failed > 0 || passed === 0) process.exit(1);

function fail(reason: string): never {
  console.log(`0 passed, 1 failed, 0 skipped (${reason})`);
  process.exit(1);
}
