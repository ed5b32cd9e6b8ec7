// @ts-check
/**
 * StrykerJS for the security core, one group at a time: `npm run test:mutation`
 * (scripts/mutation.ts) runs every group of scripts/mutation-groups.json with MUTATION_GROUP
 * set, after writing the group's test entry (.mutation/<group>.entry.ts, its tests in order).
 *
 * A group mutates whole files, or code ranges named by their first line (`from`) up to the
 * line before `to`, or else to the end of that block: ranges follow the code when others
 * edit the file, where line numbers would not.
 */
import { readFileSync } from 'node:fs';

const groups = JSON.parse(readFileSync(new URL('./scripts/mutation-groups.json', import.meta.url), 'utf8'));
const name = process.env.MUTATION_GROUP ?? groups[0].name;
const group = groups.find((candidate) => candidate.name === name);
if (!group) throw new Error(`MUTATION_GROUP ${name} is not in scripts/mutation-groups.json`);

/** `file` or `file:start-end` (1-based, inclusive) for a `{ file, from, to? }` range. */
function resolveRange(entry) {
  if (typeof entry === 'string') return entry;
  const lines = readFileSync(entry.file, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.includes(entry.from));
  if (start === -1) throw new Error(`${entry.file}: no line with ${entry.from}`);
  let end = start;
  if (entry.to !== undefined) {
    const stop = lines.findIndex((line, index) => index > start && line.includes(entry.to));
    if (stop === -1) throw new Error(`${entry.file}: no line with ${entry.to} after ${entry.from}`);
    end = stop - 1;
  } else if (!lines[start]?.trimEnd().endsWith(';')) {
    const indent = lines[start]?.match(/^ */)?.[0] ?? '';
    // The block closes at its own indentation; `): Type {` only ends a multi-line signature.
    const closes = new RegExp(`^${indent}[})\\]]`);
    const closing = lines.findIndex(
      (line, index) => index > start && closes.test(line) && !line.trimEnd().endsWith('{'),
    );
    if (closing === -1) throw new Error(`${entry.file}: no end of the block at ${entry.from}`);
    end = closing;
  }
  return `${entry.file}:${start + 1}-${end + 1}`;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: {
    testFiles: [`.mutation/${name}.entry.ts`],
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
    forceBail: true,
  },
  checkers: ['typescript'],
  // Only what the mutated code compiles with: the checker type-checks every mutant.
  tsconfigFile: 'scripts/tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: group.mutate.map(resolveRange),
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1),
  timeoutMS: 20_000,
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  reporters: ['json', 'progress-append-only'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  ignorePatterns: ['.local', '.test-tmp', '.serverless', '.esbuild', 'reports', 'dist', 'coverage', 'bench'],
};
