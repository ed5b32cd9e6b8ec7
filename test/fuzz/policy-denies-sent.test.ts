/**
 * Soundness when the ceiling's Deny statements travel with the request: the document that
 * would be sent (request + the Denies the checker names, built by `withCeilingDenies`) must
 * grant nothing outside the ceiling. The oracle is test/support/bounded-iam-oracle.ts, which
 * shares no code with lib/policy and is exact (it tries one string of every region of the
 * patterns, under three readings of ARN wildcards and every combination of Conditions).
 * FUZZ_RUNS changes the count.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  checkContainment,
  type Policy,
  type PolicyDialect,
  type Statement,
  withCeilingDenies,
} from '../../lib/policy/index.js';
import { escapes } from '../support/bounded-iam-oracle.js';
import { ceilingFor, fuzzRuns, requestPolicy } from './policy-support.js';

const RUNS = fuzzRuns(10_000);
const SEGMENTS: Record<PolicyDialect, number> = { aws: 6, volcengine: 5 };

function documentOf(policy: Policy): Record<string, unknown> {
  return { Statement: policy.statements.map(statementDocument) };
}

function statementDocument(statement: Statement): Record<string, unknown> {
  const document: Record<string, unknown> = {
    Effect: statement.effect,
    Action: statement.actions,
    Resource: statement.resources,
  };
  if (statement.condition !== undefined) document.Condition = statement.condition;
  return document;
}

describe("containment soundness with the ceiling's Denies sent (property, exact oracle)", () => {
  for (const dialect of ['aws', 'volcengine'] as const) {
    it(`${dialect}: a contained request, sent with the Denies it names, grants nothing outside the ceiling (${RUNS} cases)`, () => {
      // Prepare
      const stats = { contained: 0, withDenies: 0 };
      const cases = requestPolicy(dialect).chain((request) =>
        fc.tuple(fc.constant(request), ceilingFor(request, dialect)),
      );
      // Act / Assess
      fc.assert(
        fc.property(cases, ([request, ceiling]) => {
          const verdict = checkContainment(request, ceiling, dialect, { ceilingDenies: 'sent' });
          if (!verdict.contained) return;
          stats.contained++;
          const denies = verdict.ceilingDenies ?? [];
          if (denies.length > 0) stats.withDenies++;
          const session = withCeilingDenies(documentOf(request), ceiling, denies);
          const found = escapes(session, documentOf(ceiling), { segments: SEGMENTS[dialect], limit: 1 });
          assert.deepEqual(
            found,
            [],
            `session ${session} escapes ceiling ${JSON.stringify(documentOf(ceiling))}`,
          );
        }),
        { numRuns: RUNS },
      );
      // The property is only as good as the cases it saw: contained ones, some sending Denies.
      assert.ok(stats.contained > RUNS / 20, `only ${stats.contained} contained cases`);
      assert.ok(stats.withDenies > RUNS / 200, `only ${stats.withDenies} cases sent Denies`);
    });
  }
});
