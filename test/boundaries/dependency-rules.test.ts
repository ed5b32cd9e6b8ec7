/**
 * The dependency rules of .dependency-cruiser.cjs, run with dependency-cruiser itself:
 * the repository keeps them, and a tree that breaks each of them is caught.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const FIXTURE = join(ROOT, 'test/fixtures/boundaries');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  unresolvedTo?: string;
  rule: { name: string };
}

/** `rule: from -> to`, with a package named as imported rather than by its file in node_modules. */
const describeViolation = (violation: Violation) => {
  const to = violation.to.includes('node_modules/') ? (violation.unresolvedTo ?? violation.to) : violation.to;
  return `${violation.rule.name}: ${violation.from} -> ${to}`;
};

function cruise(directory: string): string[] {
  const run = spawnSync(process.execPath, [DEPCRUISE, '.', '--config', CONFIG, '--output-type', 'json'], {
    cwd: directory,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.ok(run.stdout.startsWith('{'), `depcruise did not report: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  return result.summary.violations.map(describeViolation).sort();
}

let fixtureViolations: string[] | undefined;
const cruiseFixture = () => {
  fixtureViolations ??= cruise(FIXTURE);
  return fixtureViolations;
};

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  it('hold in the repository', () => {
    // Act
    const violations = cruise(ROOT);
    // Assess
    assert.deepEqual(violations, [], 'boundary violations');
  });

  it('catch every rule broken in test/fixtures/boundaries, and only there', () => {
    // Act
    const violations = cruiseFixture();
    // Assess
    assert.deepEqual(
      violations,
      [
        'aws-sdk-only-in-adapters: lib/issuance/use-case.ts -> @aws-sdk/client-sts',
        'client-reaches-no-server-internals: lib/client/index.ts -> lib/issuance/use-case.ts',
        'contracts-reach-no-io: lib/contracts/reads-file.ts -> fs',
        'http-not-to-issuance: lib/http/handler.ts -> lib/issuance/use-case.ts',
        'lib-stays-inside: lib/reach-out/outside.ts -> bench/run.ts',
        'lib-stays-inside: lib/reach-out/outside.ts -> cli/main.ts',
        'lib-stays-inside: lib/reach-out/outside.ts -> client/index.ts',
        'lib-stays-inside: lib/reach-out/outside.ts -> examples/job.ts',
        'lib-stays-inside: lib/reach-out/outside.ts -> functions/alpha/handler.ts',
        'lib-stays-inside: lib/reach-out/outside.ts -> local/stack.ts',
        'lib-stays-inside: lib/reach-out/outside.ts -> scripts/tool.ts',
        'lib-stays-inside: lib/reach-out/outside.ts -> test/helper.ts',
        'no-circular: lib/cycle/first.ts -> lib/cycle/second.ts',
        'no-function-imports-another: functions/alpha/handler.ts -> functions/beta/handler.ts',
        'not-to-unresolvable: lib/typo.js -> ./missing.js',
        'policy-imports-only-pure-code: lib/policy/reads-file.ts -> fs',
        'policy-imports-only-pure-code: lib/policy/uses-config.ts -> lib/config/loader.ts',
        'policy-imports-only-pure-code: lib/policy/uses-zod.ts -> zod',
        'policy-reaches-no-io: lib/policy/reads-file.ts -> fs',
        'policy-reaches-no-io: lib/policy/uses-config.ts -> fs',
        'production-not-to-dev-dependencies: lib/dev-only.ts -> fast-check',
        'use-cases-depend-on-ports: lib/verification/uses-adapter.ts -> lib/audit/dynamodb-store.ts',
      ].sort(),
    );
  });

  it('has a broken case in the fixture tree for every rule', () => {
    // Prepare
    const config = createRequire(import.meta.url)(CONFIG) as { forbidden: { name: string }[] };
    // Act
    const caught = new Set(cruiseFixture().map((violation) => violation.split(':')[0]));
    // Assess
    assert.deepEqual(
      config.forbidden.map((rule) => rule.name).filter((name) => !caught.has(name)),
      [],
    );
  });
});
