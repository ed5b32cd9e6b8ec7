/**
 * Generators and oracles for the policy property tests. Small alphabets on purpose: with
 * `a`, `b`, `:` and `/` random patterns collide often, which is where containment bugs live.
 */
import fc from 'fast-check';
import {
  type ConditionBlock,
  type Policy,
  type PolicyDialect,
  type Statement,
  splitSegments,
} from '../../lib/policy/index.js';
import { WIDE_ALPHABET } from '../support/iam-oracle.js';
import { seededRandom } from '../support/seeded-random.js';

export const SHAPES: Record<PolicyDialect, { prefix: string; count: number }> = {
  aws: { prefix: 'arn', count: 6 },
  volcengine: { prefix: 'trn', count: 5 },
};

/** Deterministic PRNG, so a failing case replays from its fast-check seed. */
export const makeRandom = seededRandom;

const pick = <T>(random: (below: number) => number, items: readonly T[]): T =>
  items[random(items.length)] as T;

const word = (chars: string[], minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...chars), { minLength, maxLength }).map((letters) => letters.join(''));

export const SEGMENT_CHARS = ['a', 'b'];
export const FINAL_CHARS = ['a', 'b', ':', '/'];
export const ACTION_CHARS = ['s', 'S', '3', 'g', 'G', 'e'];

/** The characters patterns are drawn from: few per case, so patterns collide often. */
export interface Alphabet {
  service: string[];
  name: string[];
  segment: string[];
  final: string[];
}

export const NARROW_ALPHABET: Alphabet = {
  service: ['s', 'S', '3'],
  name: ['g', 'G', 'e'],
  segment: SEGMENT_CHARS,
  final: FINAL_CHARS,
};

/** A letter's other case, so a case fold of either end of a range is exercised. */
const withCasePartners = (chars: string[]) => [
  ...new Set(chars.flatMap((char) => [char, char.toLowerCase(), char.toUpperCase()])),
];

/**
 * Small alphabets drawn per case from letters of both cases (Z/z included), digits and the
 * punctuation around the case ranges, so that over many cases every boundary is met while
 * each case still has collisions.
 */
export const wideAlphabet: fc.Arbitrary<Alphabet> = fc
  .tuple(
    fc.subarray([...WIDE_ALPHABET], { minLength: 1, maxLength: 3 }),
    fc.subarray([...WIDE_ALPHABET], { minLength: 1, maxLength: 3 }),
  )
  .map(([first, second]) => ({
    service: withCasePartners(first),
    name: withCasePartners(second),
    segment: withCasePartners(first),
    final: [...withCasePartners(second), ':', '/'],
  }));

export const alphabetChars = (alphabet: Alphabet) => [
  ...new Set([...alphabet.service, ...alphabet.name, ...alphabet.segment, ...alphabet.final]),
];

export function actionPattern(alphabet: Alphabet = NARROW_ALPHABET): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('*') },
    {
      weight: 8,
      arbitrary: fc
        .tuple(word([...alphabet.service, '*', '?'], 1, 3), word([...alphabet.name, '*', '?'], 1, 3))
        .map(([service, name]) => `${service}:${name}`),
    },
  );
}

export function resourcePattern(
  dialect: PolicyDialect,
  allowShort: boolean,
  alphabet: Alphabet = NARROW_ALPHABET,
): fc.Arbitrary<string> {
  const { prefix, count } = SHAPES[dialect];
  const full = fc
    .tuple(
      fc.constantFrom(prefix, prefix, prefix, '*', `${prefix.slice(0, 1)}?${prefix.slice(2)}`),
      fc.array(word([...alphabet.segment, '*', '?'], 0, 3), { minLength: count - 2, maxLength: count - 2 }),
      word([...alphabet.final, '*', '?'], 0, 5),
    )
    .map(([head, middle, last]) => [head, ...middle, last].join(':'));
  const short = fc
    .tuple(word([...alphabet.segment, '*'], 0, 2), word([...alphabet.segment, '*'], 0, 2))
    .map(([first, second]) => `${prefix}:${first}:${second}*`);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('*') },
    { weight: 8, arbitrary: full },
    { weight: allowShort ? 1 : 0, arbitrary: short },
  );
}

export const CONDITIONS: ConditionBlock[] = [
  { Bool: { 'aws:SecureTransport': 'true' } },
  { StringEquals: { 'aws:PrincipalTag/team': ['a', 'b'] } },
];

/** A fresh structural copy, so containment must compare conditions by value. */
const conditionArb = fc.option(
  fc.constantFrom(...CONDITIONS).map((c) => structuredClone(c)),
  { freq: 3 },
);

function statementArb(
  dialect: PolicyDialect,
  effect: fc.Arbitrary<'Allow' | 'Deny'>,
  allowShort: boolean,
  alphabet: Alphabet,
) {
  return fc
    .record({
      effect,
      actions: fc.array(actionPattern(alphabet), { minLength: 1, maxLength: 2 }),
      resources: fc.array(resourcePattern(dialect, allowShort, alphabet), { minLength: 1, maxLength: 2 }),
      condition: conditionArb,
    })
    .map(({ condition, ...rest }): Statement => (condition === null ? rest : { ...rest, condition }));
}

export function requestPolicy(
  dialect: PolicyDialect,
  alphabet: Alphabet = NARROW_ALPHABET,
): fc.Arbitrary<Policy> {
  return fc
    .array(statementArb(dialect, fc.constant('Allow'), false, alphabet), { minLength: 1, maxLength: 2 })
    .map((statements) => ({ statements }));
}

/**
 * Random ceilings; ceilings made by mutating the request (near misses and real covers); and
 * covers shadowed by a Deny of a requested pattern in other letter case: a contained verdict
 * there is only right if case folding reaches every letter (Z/z included).
 */
export function ceilingFor(
  request: Policy,
  dialect: PolicyDialect,
  alphabet: Alphabet = NARROW_ALPHABET,
): fc.Arbitrary<Policy> {
  const randomStatement = statementArb(
    dialect,
    fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
    true,
    alphabet,
  );
  const actionLetters = [...alphabet.service, ...alphabet.name];
  const mutated = fc.integer().map((seed) => {
    const random = makeRandom(seed);
    return request.statements.map((statement): Statement => {
      const copy: Statement = {
        effect: 'Allow',
        actions: statement.actions.map((action) => mutate(action, random, actionLetters)),
        resources: statement.resources.map((resource) => mutate(resource, random, alphabet.final)),
      };
      if (statement.condition !== undefined && random(4) > 0)
        copy.condition = structuredClone(statement.condition);
      return copy;
    });
  });
  const shadowed = fc.tuple(mutated, fc.integer()).map(([covering, seed]): Policy => {
    const random = makeRandom(seed);
    const source = request.statements[random(request.statements.length)];
    const action = source?.actions[random(source.actions.length)] ?? '*';
    const resource = source?.resources[random(source.resources.length)] ?? '*';
    const deny: Statement = {
      effect: 'Deny',
      actions: [flipCase(random(3) === 0 ? `${action.slice(0, random(action.length + 1))}*` : action)],
      resources: [random(3) === 0 ? '*' : resource],
    };
    return { statements: [...covering, deny] };
  });
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc
        .array(randomStatement, { minLength: 1, maxLength: 3 })
        .map((statements) => ({ statements })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(mutated, fc.array(randomStatement, { maxLength: 2 }))
        .map(([covering, extra]) => ({ statements: [...covering, ...extra] })),
    },
    { weight: 1, arbitrary: shadowed },
  );
}

/** Every ASCII letter in the other case (`sZ:a` → `Sz:A`). */
const flipCase = (pattern: string) =>
  [...pattern].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');

/** Zero to two edits that widen, narrow or shift a pattern: `*`, `?`, delete, change case. */
function mutate(pattern: string, random: (below: number) => number, letters: string[]): string {
  let result = pattern;
  for (let edit = random(3); edit > 0; edit--) {
    const at = random(result.length + 1);
    const operation = random(5);
    if (operation === 0) result = `${result.slice(0, at)}*${result.slice(at + 1)}`;
    else if (operation === 1) result = `${result.slice(0, at)}?${result.slice(at + 1)}`;
    else if (operation === 2) result = `${result.slice(0, at)}*${result.slice(at)}`;
    else if (operation === 3) result = result.slice(0, at) + result.slice(at + 1);
    else {
      const letter = pick(random, letters);
      result =
        result.slice(0, at) +
        (random(2) === 0 ? letter.toUpperCase() : letter.toLowerCase()) +
        result.slice(at + 1);
    }
  }
  return result;
}

/**
 * A concrete string matched by `pattern` (a glob over one segment). `expandLastStar` lets a
 * segment-ending `*` produce colons: the "expanding" reading of the ARN rules.
 */
export function instantiate(
  pattern: string,
  random: (below: number) => number,
  letters: string[],
  expandLastStar = false,
): string {
  let result = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern.charAt(index);
    const pool = expandLastStar && index === pattern.length - 1 ? [...letters, ':'] : letters;
    if (char === '*') for (let n = random(3); n > 0; n--) result += pick(random, pool);
    else if (char === '?') result += pick(random, letters);
    else result += char;
  }
  return result;
}

export function instantiateResource(
  pattern: string,
  dialect: PolicyDialect,
  random: (below: number) => number,
  expanding: boolean,
): string {
  const { prefix, count } = SHAPES[dialect];
  const segments = pattern === '*' ? undefined : splitSegments(pattern, count);
  if (segments === undefined) {
    const middle = Array.from({ length: count - 2 }, () => instantiate('*', random, SEGMENT_CHARS));
    return [random(8) === 0 ? 'xrn' : prefix, ...middle, instantiate('*', random, FINAL_CHARS)].join(':');
  }
  const last = segments.length - 1;
  return segments
    .map((segment, index) =>
      index === last
        ? instantiate(segment, random, FINAL_CHARS)
        : instantiate(segment, random, SEGMENT_CHARS, expanding),
    )
    .join(':');
}

/** Reference glob matcher for the tests: a RegExp from the escaped pattern. */
export function referenceGlob(pattern: string, text: string, caseInsensitive = false): boolean {
  const fold = (value: string) => (caseInsensitive ? value.replace(/[A-Z]/g, (c) => c.toLowerCase()) : value);
  const body = [...fold(pattern)]
    .map((char) =>
      char === '*' ? '[\\s\\S]*' : char === '?' ? '[\\s\\S]' : char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`).test(fold(text));
}

export const fuzzRuns = (fallback: number) => {
  const configured = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(configured) && configured > 0 ? configured : fallback;
};
