/**
 * `npm test`: lint, type-check, then every test file under test/ with node's test runner.
 * Prints a last line `N passed, N failed, N skipped` that CI reads, and fails when a
 * step fails, a test fails, or no test ran at all (an empty run must never look green).
 *
 * Usage: npm test [-- <path filter>...]   e.g. `npm test -- test/unit` skips lint and tsc.
 *
 * No test may depend on another file having run first, so the file order can change:
 *   --reverse           files in reverse order
 *   --shuffle[=<seed>]  files in a seeded random order; the seed is printed to replay it
 *   --each              every file alone, one runner per file (slow: a check by hand)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { seededFraction } from '../test/support/seeded-random.js';

const args = process.argv.slice(2);
const filters = args.filter((arg) => !arg.startsWith('--'));
const flag = (name: string) => args.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
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
arrange(testFiles);

if (flag('each')) runEachAlone(testFiles);

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

/** Reorders the files in place as --reverse or --shuffle ask, and says so. */
function arrange(files: string[]) {
  const shuffle = flag('shuffle');
  if (flag('reverse')) {
    files.reverse();
    console.log('test files in reverse order');
  } else if (shuffle) {
    const given = Number(shuffle.split('=')[1]);
    const seed = Number.isInteger(given) ? given : Math.floor(Math.random() * 2 ** 31);
    const random = seededFraction(seed);
    for (let index = files.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [files[index], files[other]] = [files[other] as string, files[index] as string];
    }
    console.log(`test files shuffled with seed ${seed} (npm test -- --shuffle=${seed} replays this order)`);
  }
}

/** Runs every file in a runner of its own: a file that needs another one first fails here. */
function runEachAlone(files: string[]): never {
  const failures: string[] = [];
  for (const file of files) {
    const started = Date.now();
    const { status, stdout } = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=dot', file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: process.env,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${status === 0 ? 'ok    ' : 'FAILED'} ${file} (${seconds} s)`);
    if (status !== 0) {
      // The dot reporter ends with the failures: what a file that fails alone needs to be fixed.
      console.log(stdout);
      failures.push(file);
    }
  }
  console.log(
    `${files.length - failures.length} passed, ${failures.length} failed, 0 skipped (files run alone)`,
  );
  process.exit(failures.length === 0 ? 0 : 1);
}

function fail(reason: string): never {
  console.log(`0 passed, 1 failed, 0 skipped (${reason})`);
  process.exit(1);
}
