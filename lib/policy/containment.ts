/**
 * Containment of a requested session policy in a grant's ceiling policy.
 *
 * Why our own code: no published library answers "is policy A inside policy B" soundly.
 * The IAM policy simulators on npm (checked for issue 5) are either AGPL-licensed or
 * unsound on wildcards: they match a pattern against concrete strings, whereas containment
 * needs pattern-in-pattern reasoning (`s3:Get*` is not inside `s3:GetObject`, though the
 * string "s3:Get*" matches neither way round). A mistake here mints credentials wider than
 * the grant allows, so the rules live here, small and property-tested.
 *
 * What "sound" means: when `checkContainment` says contained, every (action, resource)
 * that the request allows is allowed by the ceiling and denied by none of its statements,
 * under every reading of the wildcard rules we cannot pin down (see resource.ts). The
 * converse does not hold: it may reject a contained request, and then says why. Known
 * conservative spots:
 *   - a requested pair must be covered by ONE ceiling Allow, or, when the ceiling's Denies are
 *     sent with the request, by one ceiling Deny that applies whenever the requested
 *     statement does (no finer union of statements);
 *   - globs are compared token by token after normalising wildcard runs;
 *   - a Condition must be identical on both sides: a ceiling Allow with a Condition covers only
 *     request statements repeating it, and a request Condition needs a ceiling Allow with the
 *     same Condition (invariant 7, even though a Condition alone only narrows);
 *   - when the ceiling's Denies are not sent with the request, any ceiling Deny that may
 *     overlap a requested pair rejects it, whatever its Condition;
 *   - ceiling resources shorter than a full ARN/TRN cover nothing (they still Deny).
 *
 * Sending the Denies: the session policy then holds the requested Allows plus every ceiling
 * Deny that may overlap them, verbatim (Condition included). STS intersects the role with the
 * session policy, so such a Deny binds the session exactly as it binds the ceiling, under any
 * reading of the wildcard rules; the requested pairs need only lie inside the ceiling's Allows
 * (or inside a Deny that is sent, which then takes them away again).
 */
import { actionCovers, actionsMayIntersect } from './action.js';
import { type Coverage, resourceCovers, resourcesMayIntersect } from './resource.js';
import type {
  ContainmentVerdict,
  Policy,
  PolicyDialect,
  Statement,
  StatementVerdict,
  UncoveredPair,
} from './types.js';

/**
 * Uncovered pairs collected before the check stops: past this, a refused request is known to
 * be refused, and finding more would only cost work (a request of 100 × 100 pairs outside the
 * ceiling would otherwise build a reason for each of them).
 */
const MAX_UNCOVERED_PAIRS = 20;

export interface ContainmentOptions {
  /**
   * `sent`: the ceiling's Denies that may overlap the request go to STS with it (see above),
   * so an overlap no longer rejects a pair. `withheld`: the request is sent alone, so any
   * overlap rejects the pair.
   */
  ceilingDenies: 'sent' | 'withheld';
  /**
   * Instrumentation for tests and benchmarks: called once per requested (action, resource)
   * pair examined, so work can be counted rather than timed.
   */
  onPairExamined?: (outcome: 'covered' | 'uncovered') => void;
}

interface IndexedStatement {
  index: number;
  statement: Statement;
}

export function checkContainment(
  request: Policy,
  ceiling: Policy,
  dialect: PolicyDialect,
  options: ContainmentOptions = { ceilingDenies: 'withheld' },
): ContainmentVerdict {
  const indexed = ceiling.statements.map((statement, index) => ({ index, statement }));
  const allows = indexed.filter(({ statement }) => statement.effect === 'Allow');
  const denies = indexed.filter(({ statement }) => statement.effect === 'Deny');
  const sent = new Set<number>();
  const budget: PairBudget = { left: MAX_UNCOVERED_PAIRS, exhausted: false };
  const statements: StatementVerdict[] = [];
  // Statements after the one where the budget ran out are not examined, so not listed: the
  // verdict is a refusal already.
  for (const [index, statement] of request.statements.entries()) {
    if (budget.left === 0) {
      budget.exhausted = true;
      break;
    }
    statements.push(checkStatement(statement, index, { allows, denies, dialect, options, sent, budget }));
  }
  const uncovered = statements.flatMap((verdict) => verdict.uncovered);
  const explanation = uncovered.map((pair) => describe(pair, request));
  if (budget.exhausted) {
    explanation.push(
      `…and possibly more pairs outside the ceiling: the check stops after the first ${MAX_UNCOVERED_PAIRS}.`,
    );
  }
  // Sound although pairs may go unexamined: the budget runs out only once pairs are uncovered.
  const verdict: ContainmentVerdict = { contained: uncovered.length === 0, statements, explanation };
  if (verdict.contained && sent.size > 0) verdict.ceilingDenies = [...sent].sort((x, y) => x - y);
  return verdict;
}

/** Uncovered pairs the check may still collect; `exhausted` once a pair was left unexamined. */
interface PairBudget {
  left: number;
  exhausted: boolean;
}

interface CheckContext {
  allows: IndexedStatement[];
  denies: IndexedStatement[];
  dialect: PolicyDialect;
  options: ContainmentOptions;
  /** Ceiling Deny statements that must travel with the request (filled in `sent` mode). */
  sent: Set<number>;
  budget: PairBudget;
}

function checkStatement(
  statement: Statement,
  statementIndex: number,
  { allows, denies, dialect, options, sent, budget }: CheckContext,
): StatementVerdict {
  const verdict: StatementVerdict = { statementIndex, contained: true, uncovered: [] };
  if (statement.sid !== undefined) verdict.sid = statement.sid;
  // A requested Deny can only take permissions away from the session.
  if (statement.effect === 'Deny') return verdict;

  // Coverage is a product: statement t covers (a, r) iff it covers a and covers r.
  const coverage = allows.map(({ index, statement: allow }) => ({
    index,
    // Invariant 7: a request Condition is accepted only where a covering ceiling statement
    // carries the identical Condition (and an unconditional pair needs an unconditional Allow).
    conditionMatches: sameCondition(allow.condition, statement.condition),
    ...coveragesOf(statement, allow, dialect),
  }));
  // For each Deny, the first of its patterns that may meet each requested action / resource.
  const overlaps = denies.map(({ index, statement: deny }) => ({
    index,
    actions: statement.actions.map((action) =>
      deny.actions.find((denied) => actionsMayIntersect(action, denied)),
    ),
    resources: statement.resources.map((resource) =>
      deny.resources.find((denied) => resourcesMayIntersect(resource, denied)),
    ),
  }));
  // A sent Deny that covers a whole pair takes it out of the session, if it applies whenever
  // the requested statement does: it has no Condition, or the requested statement's own.
  const denyCoverage =
    options.ceilingDenies === 'sent'
      ? denies
          .filter(
            ({ statement: deny }) =>
              deny.condition === undefined || sameCondition(deny.condition, statement.condition),
          )
          .map(({ index, statement: deny }) => ({ index, ...coveragesOf(statement, deny, dialect) }))
      : [];

  const coveredBy = new Set<number>();
  pairs: for (const [a, action] of statement.actions.entries()) {
    for (const [r, resource] of statement.resources.entries()) {
      if (budget.left === 0) {
        // Only `sent` Denies of contained requests are used, and this one is refused already.
        budget.exhausted = true;
        break pairs;
      }
      const overlapping = overlaps.filter(
        (deny) => deny.actions[a] !== undefined && deny.resources[r] !== undefined,
      );
      const covering = coverage.find(
        (t) => t.conditionMatches && t.actions[a] === true && t.resources[r] === true,
      );
      const deniedWhole =
        covering === undefined
          ? denyCoverage.find((d) => d.actions[a] === true && d.resources[r] === true)
          : undefined;
      const reasons: string[] = [];
      if (covering !== undefined) coveredBy.add(covering.index);
      else if (deniedWhole === undefined) reasons.push(uncoveredReason(coverage, a, r));
      if (options.ceilingDenies === 'sent') {
        if (deniedWhole !== undefined) sent.add(deniedWhole.index);
        for (const deny of overlapping) sent.add(deny.index);
      } else {
        for (const deny of overlapping) {
          reasons.push(
            `ceiling Deny statement ${deny.index} (\`${deny.actions[a]}\` on \`${deny.resources[r]}\`) may match it`,
          );
        }
      }
      options.onPairExamined?.(reasons.length > 0 ? 'uncovered' : 'covered');
      if (reasons.length > 0) {
        verdict.uncovered.push({ statementIndex, action, resource, reason: reasons.join('; ') });
        budget.left -= 1;
      }
    }
  }
  verdict.contained = verdict.uncovered.length === 0;
  if (coveredBy.size > 0) verdict.coveredBy = [...coveredBy].sort((x, y) => x - y);
  return verdict;
}

/** For each requested action and resource: covered by `by`, or the first reason it is not. */
function coveragesOf(requested: Statement, by: Statement, dialect: PolicyDialect) {
  return {
    actions: requested.actions.map((action) =>
      firstCoverage(by.actions, (c) => actionCovers(c, action, dialect)),
    ),
    resources: requested.resources.map((resource) =>
      firstCoverage(by.resources, (c) => resourceCovers(c, resource, dialect)),
    ),
  };
}

/** True when one of `patterns` covers; otherwise the reason given by the first pattern. */
function firstCoverage(patterns: string[], covers: (pattern: string) => Coverage): true | string {
  let firstReason: string | undefined;
  for (const pattern of patterns) {
    const result = covers(pattern);
    if (result.covered) return true;
    firstReason ??= result.reason;
  }
  return firstReason ?? 'the ceiling statement lists nothing';
}

interface StatementCoverage {
  index: number;
  conditionMatches: boolean;
  actions: (true | string)[];
  resources: (true | string)[];
}

/** The most specific explanation: missing action, then missing resource, then Condition. */
function uncoveredReason(coverage: StatementCoverage[], action: number, resource: number): string {
  if (coverage.length === 0) return 'the ceiling has no Allow statement';
  const actionCovered = coverage.filter((t) => t.actions[action] === true);
  if (actionCovered.length === 0) {
    const nearest = coverage[0]?.actions[action];
    return `no ceiling Allow statement covers the action${typeof nearest === 'string' ? ` (statement ${coverage[0]?.index}: ${nearest})` : ''}`;
  }
  const bothCovered = actionCovered.filter((t) => t.resources[resource] === true);
  if (bothCovered.length === 0) {
    const first = actionCovered[0];
    const nearest = first?.resources[resource];
    const statements = actionCovered.map((t) => t.index).join(', ');
    return `ceiling statement ${statements} covers the action but not the resource${typeof nearest === 'string' ? ` (statement ${first?.index}: ${nearest})` : ''}`;
  }
  const statements = bothCovered.map((t) => t.index).join(', ');
  return `ceiling statement ${statements} covers it, but the Conditions differ (a Condition must be identical on the request and the covering ceiling statement)`;
}

function describe(pair: UncoveredPair, request: Policy): string {
  const sid = request.statements[pair.statementIndex]?.sid;
  const label = `Statement ${pair.statementIndex}${sid === undefined ? '' : ` (${sid})`}`;
  return `${label}: action \`${pair.action}\` on resource \`${pair.resource}\` is outside the ceiling: ${pair.reason}.`;
}

/** JSON deep equality; object key order does not matter, array order does (conservative). */
export function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => deepEqual(item, right[index]));
  }
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  const leftEntries = Object.entries(left);
  const rightEntries = new Map(Object.entries(right));
  if (leftEntries.length !== rightEntries.size) return false;
  return leftEntries.every(
    ([key, value]) => rightEntries.has(key) && deepEqual(value, rightEntries.get(key)),
  );
}

function sameCondition(ceiling: Statement['condition'], requested: Statement['condition']): boolean {
  if (ceiling === undefined || requested === undefined) return ceiling === requested;
  return deepEqual(ceiling, requested);
}
