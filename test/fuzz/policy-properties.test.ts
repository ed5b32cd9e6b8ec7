/**
 * Property tests of the policy engine. The soundness property runs 10,000 cases in
 * `npm test`; FUZZ_RUNS raises (or lowers) every count, e.g. FUZZ_RUNS=100000.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  checkContainment,
  globMatch,
  globsMayIntersect,
  type Policy,
  type PolicyDialect,
  patternCovers,
  resourceCovers,
} from '../../lib/policy/index.js';
import {
  checkSamples,
  type OraclePolicy,
  type Reading,
  readingsOf,
  resourceRegExp,
  samplePairs,
} from '../support/iam-oracle.js';
import { seededRandom } from '../support/seeded-random.js';
import { evaluate } from './policy-evaluate.js';
import {
  ACTION_CHARS,
  alphabetChars,
  ceilingFor,
  fuzzRuns,
  instantiate,
  instantiateResource,
  makeRandom,
  NARROW_ALPHABET,
  referenceGlob,
  requestPolicy,
  wideAlphabet,
} from './policy-support.js';

const SOUNDNESS_RUNS = fuzzRuns(10_000);
const EXPANDING_AWS = readingsOf('aws').find((reading) => reading.stars === 'expanding') as Reading;
const GLOB_RUNS = fuzzRuns(5_000);
const SAMPLES_PER_CASE = 8;

/** Concrete (action, resource) pairs: mostly instances of the request, some of the ceiling. */
function samples(request: Policy, ceiling: Policy, dialect: PolicyDialect, seed: number, expanding: boolean) {
  const random = makeRandom(seed);
  const pairs: [string, string][] = [];
  for (let n = 0; n < SAMPLES_PER_CASE; n++) {
    const source = random(4) === 0 ? ceiling : request;
    const statement = source.statements[random(source.statements.length)];
    if (statement === undefined) continue;
    const action = statement.actions[random(statement.actions.length)] ?? '*';
    const resource = statement.resources[random(statement.resources.length)] ?? '*';
    const concreteAction =
      action === '*'
        ? `${instantiate('?*', random, ACTION_CHARS)}:${instantiate('?*', random, ACTION_CHARS)}`
        : instantiate(action, random, ACTION_CHARS);
    pairs.push([concreteAction, instantiateResource(resource, dialect, random, expanding)]);
  }
  return pairs;
}

/** The policy as the JSON document a caller or a grants file would write. */
const documentOf = (policy: Policy): OraclePolicy => ({
  Statement: policy.statements.map((s) => ({
    Effect: s.effect,
    Action: s.actions,
    Resource: s.resources,
    ...(s.condition === undefined ? {} : { Condition: s.condition }),
  })),
});

describe('containment soundness against an independent oracle (property)', () => {
  for (const dialect of ['aws', 'volcengine'] as const) {
    it(`${dialect}: whatever a contained request allows, the ceiling allows, under every reading (${SOUNDNESS_RUNS} cases)`, () => {
      // Prepare: narrow alphabets (many collisions) and wide ones (case and punctuation edges)
      const stats = { contained: 0, witnessed: 0, wide: 0 };
      const cases = fc
        .oneof(fc.constant(NARROW_ALPHABET), wideAlphabet, wideAlphabet)
        .chain((alphabet) =>
          requestPolicy(dialect, alphabet).chain((request) =>
            fc.tuple(
              fc.constant(request),
              ceilingFor(request, dialect, alphabet),
              fc.integer(),
              fc.constant(alphabet),
            ),
          ),
        );
      // Act / Assess
      fc.assert(
        fc.property(cases, ([request, ceiling, seed, alphabet]) => {
          if (!checkContainment(request, ceiling, dialect).contained) return;
          stats.contained++;
          if (alphabet !== NARROW_ALPHABET) stats.wide++;
          const requested = documentOf(request);
          const granted = documentOf(ceiling);
          const pairs = samplePairs(
            requested,
            granted,
            dialect,
            seededRandom(seed),
            SAMPLES_PER_CASE,
            alphabetChars(alphabet),
          );
          const { witnessed, escaped } = checkSamples(requested, granted, dialect, pairs);
          stats.witnessed += witnessed;
          assert.equal(
            escaped,
            undefined,
            `contained, but the request allows more: ${JSON.stringify(escaped)}`,
          );
        }),
        { numRuns: SOUNDNESS_RUNS },
      );
      // The property is only as good as the cases it saw: enough contained pairs, with witnesses.
      assert.ok(stats.contained > SOUNDNESS_RUNS / 20, `only ${stats.contained} contained cases`);
      assert.ok(stats.wide > SOUNDNESS_RUNS / 40, `only ${stats.wide} contained cases on wide alphabets`);
      assert.ok(stats.witnessed > SOUNDNESS_RUNS / 10, `only ${stats.witnessed} witnessed pairs`);
    });
  }

  it(`a segment-ending \`*\` is only covered by one, so expansion across \`:\` stays inside (${SOUNDNESS_RUNS} cases)`, () => {
    // Prepare: one middle segment under test, the rest fixed, so hits are frequent.
    const segment = fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 4 }).map((c) => c.join(''));
    let covered = 0;
    fc.assert(
      fc.property(segment, segment, fc.integer(), (ceilingSegment, requestSegment, seed) => {
        const ceiling = `arn:aws:s3:${ceilingSegment}:1:x`;
        const request = `arn:aws:s3:${requestSegment}:1:x`;
        // Act
        if (!resourceCovers(ceiling, request, 'aws').covered) return;
        covered++;
        // Assess
        const random = makeRandom(seed);
        const oracle = resourceRegExp(ceiling, EXPANDING_AWS);
        for (let n = 0; n < SAMPLES_PER_CASE; n++) {
          const instance = instantiateResource(request, 'aws', random, true);
          assert.ok(oracle.test(instance), `${instance} from ${request} escapes ${ceiling}`);
        }
      }),
      { numRuns: SOUNDNESS_RUNS },
    );
    assert.ok(covered > SOUNDNESS_RUNS / 50, `only ${covered} covered pairs`);
  });

  it('evaluate intersects policies: allowed by the list iff allowed by each and denied by none', () => {
    // Prepare
    const cases = fc.tuple(
      requestPolicy('aws'),
      requestPolicy('aws').chain((p) => ceilingFor(p, 'aws')),
      fc.integer(),
    );
    // Act / Assess
    fc.assert(
      fc.property(cases, ([first, second, seed]) => {
        for (const [action, resource] of samples(first, second, 'aws', seed, false)) {
          const each = [first, second].map((policy) => evaluate([policy], action, resource, 'aws').decision);
          const both = evaluate([first, second], action, resource, 'aws').decision;
          const expected = each.includes('explicit-deny')
            ? 'explicit-deny'
            : each.every((decision) => decision === 'allowed')
              ? 'allowed'
              : 'implicit-deny';
          assert.equal(both, expected);
        }
      }),
      { numRuns: GLOB_RUNS },
    );
  });
});

describe('glob properties', () => {
  const pattern = fc.array(fc.constantFrom('a', 'b', 'A', '*', '?'), { maxLength: 8 }).map((c) => c.join(''));
  const text = fc.array(fc.constantFrom('a', 'b', 'A'), { maxLength: 10 }).map((c) => c.join(''));
  // More than 32 automaton states, to exercise the carry between words; two stars at most
  // so that the RegExp reference does not backtrack for minutes.
  const run = (minLength: number, maxLength: number) =>
    fc.array(fc.constantFrom('a', 'b', '?'), { minLength, maxLength }).map((c) => c.join(''));
  const longPattern = fc.tuple(run(30, 40), run(0, 10), run(0, 10)).map((parts) => parts.join('*'));
  const longText = fc
    .array(fc.constantFrom('a', 'b'), { minLength: 30, maxLength: 70 })
    .map((c) => c.join(''));

  it(`globMatch agrees with a reference matcher on random and instantiated inputs (${GLOB_RUNS} cases)`, () => {
    fc.assert(
      fc.property(pattern, text, fc.integer(), fc.boolean(), (glob, random, seed, caseInsensitive) => {
        // Prepare
        const instance = instantiate(glob, makeRandom(seed), ['a', 'b', 'A']);
        for (const subject of [random, instance]) {
          // Act
          const matched = globMatch(glob, subject, { caseInsensitive });
          // Assess
          assert.equal(matched, referenceGlob(glob, subject, caseInsensitive), `${glob} vs ${subject}`);
        }
      }),
      { numRuns: GLOB_RUNS },
    );
  });

  it(`globMatch agrees with the reference on patterns wider than one 32-bit word (${GLOB_RUNS} cases)`, () => {
    fc.assert(
      fc.property(longPattern, longText, fc.integer(), (glob, random, seed) => {
        // Prepare
        const instance = instantiate(glob, makeRandom(seed), ['a', 'b']);
        for (const subject of [random, instance]) {
          // Act / Assess
          assert.equal(globMatch(glob, subject), referenceGlob(glob, subject), `${glob} vs ${subject}`);
        }
      }),
      { numRuns: GLOB_RUNS },
    );
  });

  it(`patternCovers is sound: every instance of the covered pattern matches the cover (${SOUNDNESS_RUNS} cases)`, () => {
    let covered = 0;
    fc.assert(
      fc.property(pattern, pattern, fc.integer(), fc.boolean(), (ceiling, request, seed, caseInsensitive) => {
        // Act
        if (!patternCovers(ceiling, request, { caseInsensitive })) return;
        covered++;
        // Assess
        const random = makeRandom(seed);
        for (let n = 0; n < SAMPLES_PER_CASE; n++) {
          const instance = instantiate(request, random, ['a', 'b', 'A', ':']);
          assert.ok(
            globMatch(ceiling, instance, { caseInsensitive }),
            `${instance} from ${request} not in ${ceiling}`,
          );
        }
      }),
      { numRuns: SOUNDNESS_RUNS },
    );
    assert.ok(covered > SOUNDNESS_RUNS / 50, `only ${covered} covered pairs`);
  });

  it(`globsMayIntersect never calls two globs disjoint when a string matches both (${GLOB_RUNS} cases)`, () => {
    fc.assert(
      fc.property(pattern, pattern, fc.integer(), fc.boolean(), (left, right, seed, caseInsensitive) => {
        // Prepare
        const random = makeRandom(seed);
        for (let n = 0; n < SAMPLES_PER_CASE; n++) {
          const instance = instantiate(left, random, ['a', 'b', 'A']);
          // Act / Assess
          if (globMatch(right, instance, { caseInsensitive })) {
            assert.ok(
              globsMayIntersect(left, right, { caseInsensitive }),
              `${left} and ${right} share ${instance}`,
            );
          }
        }
      }),
      { numRuns: GLOB_RUNS },
    );
  });
});
