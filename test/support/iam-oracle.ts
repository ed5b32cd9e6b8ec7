/**
 * An independent IAM policy oracle for tests and benchmarks: written from the documented
 * evaluation rules, sharing no code with lib/policy (no glob matcher, no case folding, no
 * evaluator from there), so a bug in the checker cannot hide behind the same bug here.
 *
 * Documented rules it implements (AWS IAM JSON policy reference):
 *   - an explicit Deny wins; otherwise a request is allowed iff some Allow applies;
 *   - `Action` values compare case-insensitively, as one glob over the whole string;
 *   - `Resource` values (ARNs) compare case-sensitively; `*` alone matches every resource;
 *   - in both, `*` matches any run of characters and `?` exactly one character;
 *   - a `*` or `?` works within one ARN segment (the parts between colons); the last
 *     segment is everything after the last separating colon, colons included; and "if the
 *     `*` is the last character of a segment, it can expand to match beyond the colon
 *     boundaries". How far is not said, so two readings are offered: `segment` (it never
 *     does) and `expanding` (a segment-ending `*` may match colons).
 * Volcengine documents neither case rule, so its readings cover both answers for actions and
 * resources. A sound containment checker must be sound under every reading of its dialect.
 *
 * Conditions are opaque: a statement with a Condition applies exactly when that Condition
 * holds, and a context says which Conditions hold (compared by canonical JSON).
 */

export type OracleDialect = 'aws' | 'volcengine';

/** One statement of an IAM/Volcengine JSON policy document, as written. */
export interface OracleStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}

/** A JSON policy document as written (`Statement` may be one object or a list). */
export interface OraclePolicy {
  Version?: string;
  Statement: OracleStatement | OracleStatement[];
}

export interface Reading {
  readonly dialect: OracleDialect;
  /** Colon-separated segments of a full ARN (6) or TRN (5). */
  readonly segments: number;
  /** `expanding`: a `*` that ends a non-final segment may also match `:`. */
  readonly stars: 'segment' | 'expanding';
  readonly caseInsensitiveActions: boolean;
  readonly caseInsensitiveResources: boolean;
}

const both = [false, true] as const;
const starReadings = ['segment', 'expanding'] as const;

/** Every reading of the rules a checker for this dialect must be sound under. */
export function readingsOf(dialect: OracleDialect): Reading[] {
  if (dialect === 'aws') {
    return starReadings.map((stars) => ({
      dialect,
      segments: 6,
      stars,
      caseInsensitiveActions: true,
      caseInsensitiveResources: false,
    }));
  }
  return starReadings.flatMap((stars) =>
    both.flatMap((caseInsensitiveActions) =>
      both.map((caseInsensitiveResources) => ({
        dialect,
        segments: 5,
        stars,
        caseInsensitiveActions,
        caseInsensitiveResources,
      })),
    ),
  );
}

/** Escapes every character that means something in a RegExp. */
const escapeRegExp = (char: string) => (/[A-Za-z0-9]/.test(char) ? char : `\\${char}`);

// Patterns repeat across samples; compiled expressions are cached per pattern and reading.
const cache = new Map<string, RegExp>();
function cached(key: string, build: () => RegExp): RegExp {
  let regex = cache.get(key);
  if (regex === undefined) {
    if (cache.size > 50_000) cache.clear();
    regex = build();
    cache.set(key, regex);
  }
  return regex;
}

/** An action pattern as a RegExp: one glob over the whole string. */
export function actionRegExp(pattern: string, caseInsensitive = true): RegExp {
  return cached(`a${caseInsensitive ? 'i' : 's'}:${pattern}`, () => {
    const body = [...pattern]
      .map((char) => (char === '*' ? '[\\s\\S]*' : char === '?' ? '[\\s\\S]' : escapeRegExp(char)))
      .join('');
    return new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
  });
}

/** A resource pattern as a RegExp under one reading (segment rules above). */
export function resourceRegExp(pattern: string, reading: Reading): RegExp {
  const key = `r${reading.segments}${reading.stars}${reading.caseInsensitiveResources ? 'i' : 's'}:${pattern}`;
  return cached(key, () => {
    if (pattern === '*') return /^[\s\S]*$/;
    const parts = pattern.split(':');
    const last = reading.segments - 1;
    const segments = [...parts.slice(0, last), ...(parts.length > last ? [parts.slice(last).join(':')] : [])];
    const body = segments
      .map((segment, index) => {
        const final = index === last;
        return [...segment]
          .map((char, at) => {
            if (char === '*') {
              const endsSegment = at === segment.length - 1;
              return final || (reading.stars === 'expanding' && endsSegment) ? '[\\s\\S]*' : '[^:]*';
            }
            if (char === '?') return final ? '[\\s\\S]' : '[^:]';
            return escapeRegExp(char);
          })
          .join('');
      })
      .join(':');
    return new RegExp(`^${body}$`, reading.caseInsensitiveResources ? 'i' : '');
  });
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
export const statementsOf = (policy: OraclePolicy): OracleStatement[] =>
  Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];

/** Canonical JSON: object keys sorted, so `{a, b}` and `{b, a}` are the same Condition. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The Conditions that hold in one request context, by canonical JSON. */
export type Context = ReadonlySet<string>;

/** Every combination of the Conditions that appear in these policies (2^n contexts). */
export function contextsOf(...policies: OraclePolicy[]): Context[] {
  const conditions = [
    ...new Set(
      policies.flatMap((policy) =>
        statementsOf(policy)
          .filter((statement) => statement.Condition !== undefined)
          .map((statement) => canonicalJson(statement.Condition)),
      ),
    ),
  ];
  let contexts: string[][] = [[]];
  for (const condition of conditions) contexts = contexts.flatMap((held) => [held, [...held, condition]]);
  return contexts.map((held) => new Set(held));
}

function applies(
  statement: OracleStatement,
  action: string,
  resource: string,
  reading: Reading,
  context: Context,
): boolean {
  if (statement.Condition !== undefined && !context.has(canonicalJson(statement.Condition))) return false;
  return (
    list(statement.Action).some((pattern) =>
      actionRegExp(pattern, reading.caseInsensitiveActions).test(action),
    ) && list(statement.Resource).some((pattern) => resourceRegExp(pattern, reading).test(resource))
  );
}

export type OracleDecision = 'allowed' | 'explicit-deny' | 'implicit-deny';

/** The decision of one policy on one request, under one reading, in one context. */
export function decide(
  policy: OraclePolicy,
  action: string,
  resource: string,
  reading: Reading,
  context: Context = new Set(),
): OracleDecision {
  const statements = statementsOf(policy);
  const matching = (effect: OracleStatement['Effect']) =>
    statements.some((s) => s.Effect === effect && applies(s, action, resource, reading, context));
  if (matching('Deny')) return 'explicit-deny';
  return matching('Allow') ? 'allowed' : 'implicit-deny';
}

export const allows = (
  policy: OraclePolicy,
  action: string,
  resource: string,
  reading: Reading,
  context: Context = new Set(),
) => decide(policy, action, resource, reading, context) === 'allowed';

export interface Escape {
  action: string;
  resource: string;
  reading: Reading;
  context: string[];
}

/**
 * Checks sampled (action, resource) pairs under every reading of the dialect and every
 * context: `witnessed` counts the pairs the request allows somewhere, `escaped` is the first
 * that the request allows and the ceiling does not (the request grants more). No escape
 * is evidence of containment, not a proof.
 */
export function checkSamples(
  request: OraclePolicy,
  ceiling: OraclePolicy,
  dialect: OracleDialect,
  samples: Iterable<readonly [string, string]>,
): { witnessed: number; escaped: Escape | undefined } {
  const contexts = contextsOf(request, ceiling);
  const readings = readingsOf(dialect);
  let witnessed = 0;
  for (const [action, resource] of samples) {
    let allowedSomewhere = false;
    for (const reading of readings) {
      for (const context of contexts) {
        if (!allows(request, action, resource, reading, context)) continue;
        allowedSomewhere = true;
        if (!allows(ceiling, action, resource, reading, context))
          return { witnessed: witnessed + 1, escaped: { action, resource, reading, context: [...context] } };
      }
    }
    if (allowedSomewhere) witnessed++;
  }
  return { witnessed, escaped: undefined };
}

/**
 * Letters of both cases (with Z/z, the ends of the case ranges), digits, and the ASCII
 * punctuation right around the case ranges (`@ [ \ ] ^ _ \``, `{ | } ~`): where an
 * off-by-one in case folding or character classes shows.
 */
export const WIDE_ALPHABET = [...'aAbBzZ09', '@', '[', '\\', ']', '^', '_', '`', '{', '|', '}', '~'] as const;

/** Flips the case of ASCII letters at random (actions are case-insensitive in IAM). */
function randomCase(char: string, random: (below: number) => number): string {
  if (!/[A-Za-z]/.test(char) || random(3) > 0) return char;
  return char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
}

/**
 * A concrete string matched by `pattern` under the broadest reading: `*` becomes 0-3
 * characters (colons too when `colons`), `?` one character, letters may change case.
 */
export function instanceOf(
  pattern: string,
  random: (below: number) => number,
  alphabet: readonly string[],
  options: { colons?: boolean; flipCase?: boolean } = {},
): string {
  const pool = options.colons ? [...alphabet, ':', '/'] : alphabet;
  let result = '';
  for (const char of pattern) {
    if (char === '*') for (let n = random(4); n > 0; n--) result += pool[random(pool.length)];
    else if (char === '?') result += pool[random(pool.length)];
    else result += options.flipCase ? randomCase(char, random) : char;
  }
  return result;
}

/**
 * Concrete (action, resource) pairs near the patterns of both policies: instances of the
 * request's Allow statements mostly, of the ceiling's statements sometimes (its Denies are
 * where an unsound checker lets requests through).
 */
export function samplePairs(
  request: OraclePolicy,
  ceiling: OraclePolicy,
  dialect: OracleDialect,
  random: (below: number) => number,
  count: number,
  alphabet: readonly string[] = WIDE_ALPHABET,
): [string, string][] {
  const prefix = dialect === 'aws' ? 'arn' : 'trn';
  const segments = dialect === 'aws' ? 6 : 5;
  const requestStatements = statementsOf(request);
  const ceilingStatements = statementsOf(ceiling);
  const pairs: [string, string][] = [];
  for (let n = 0; n < count; n++) {
    const fromCeiling = random(4) === 0 && ceilingStatements.length > 0;
    const statements = fromCeiling ? ceilingStatements : requestStatements;
    const statement = statements[random(statements.length)];
    if (statement === undefined) continue;
    const actions = list(statement.Action);
    const resources = list(statement.Resource);
    const action = actions[random(actions.length)] ?? '*';
    const resource = resources[random(resources.length)] ?? '*';
    const concreteAction =
      action === '*'
        ? `${instanceOf('?*', random, alphabet)}:${instanceOf('?*', random, alphabet)}`
        : instanceOf(action, random, alphabet, { flipCase: true });
    const concreteResource =
      resource === '*'
        ? [prefix, ...Array.from({ length: segments - 1 }, () => instanceOf('*', random, alphabet))].join(':')
        : instanceOf(resource, random, alphabet, { colons: random(3) === 0, flipCase: random(4) === 0 });
    pairs.push([concreteAction, concreteResource]);
  }
  return pairs;
}
