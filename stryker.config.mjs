// @ts-check
/**
 * StrykerJS for the security core, one folder at a time: `npm run test:mutation`
 * (scripts/mutation.ts) runs every group of scripts/mutation-groups.json with MUTATION_GROUP
 * set, after writing the group's test entry (.mutation/<group>.entry.ts, its tests in order).
 */
import { readFileSync } from 'node:fs';

const groups = JSON.parse(readFileSync(new URL('./scripts/mutation-groups.json', import.meta.url), 'utf8'));
const name = process.env.MUTATION_GROUP ?? groups[0].name;
const group = groups.find((candidate) => candidate.name === name);
if (!group) throw new Error(`MUTATION_GROUP ${name} is not in scripts/mutation-groups.json`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: {
    testFiles: [`.mutation/${name}.entry.ts`],
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
    forceBail: true,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: group.mutate,
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
