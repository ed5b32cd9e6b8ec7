/**
 * An exact, independent oracle for "does this session policy grant anything outside that
 * ceiling?", for tests and benchmarks. It shares no code with lib/policy: it reads the policy
 * documents itself and matches with its own automata, from the documented semantics:
 *   - a pair (action, resource) is allowed iff some applicable Allow matches it and no
 *     applicable Deny does; a statement with a Condition applies only in contexts where that
 *     Condition holds (conditions are opaque: identical blocks hold together, different
 *     blocks independently, so every subset of the blocks present is a context);
 *   - actions are globs compared case-insensitively; a real action is `service:name`;
 *   - resources are compared case-sensitively under each of three readings of ARN wildcards,
 *     the same reading for every statement: each `*`/`?` stays inside its segment except in
 *     the last one (a pattern with fewer than six segments then matches nothing); or, in
 *     addition, a `*` ending a segment may cross `:`; or every wildcard crosses anything
 *     (one glob over the whole string). `*` alone matches everything in all three.
 *
 * Why it is exact over an unbounded world: every statement's verdict on a pair depends only
 * on which action patterns match the action and which resource patterns match the resource.
 * So it is enough to try one action of each non-empty "region" (set of patterns it matches)
 * times one resource of each region. The regions are found by a breadth-first walk of the
 * product of every pattern's automaton, over the characters the patterns use plus one
 * character they do not (which stands for all the others): a bounded universe of strings.
 */

export type Reading = 'by-segment' | 'expanding' | 'whole-string';
export const READINGS: readonly Reading[] = ['by-segment', 'expanding', 'whole-string'];

type CharClass = 'any' | 'no-colon';
type Token = { kind: 'literal'; char: string } | { kind: 'one' | 'star'; cls: CharClass };
/** A compiled pattern: its tokens, or null for a pattern that can match nothing. */
type Automaton = Token[] | null;

interface OracleStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  /** Canonical JSON of the Condition block, if any. */
  condition?: string;
}

export interface Escape {
  reading: Reading;
  context: string[];
  action: string;
  resource: string;
}

export interface OracleOptions {
  /** Segments of a full resource name: 6 for an ARN (default), 5 for a Volcengine TRN. */
  segments?: number;
  /** Stop after this many escapes (default 5). */
  limit?: number;
}

/** Every (reading, context, action, resource) the session allows and the ceiling does not. */
export function escapes(session: unknown, ceiling: unknown, options: OracleOptions = {}): Escape[] {
  const { segments = 6, limit = 5 } = options;
  const sessionStatements = statementsOf(session);
  const ceilingStatements = statementsOf(ceiling);
  const all = [...sessionStatements, ...ceilingStatements];
  const conditions = [...new Set(all.flatMap((s) => (s.condition === undefined ? [] : [s.condition])))];
  const actionPatterns = [...new Set(all.flatMap((s) => s.actions))];
  const resourcePatterns = [...new Set(all.flatMap((s) => s.resources))];
  const actions = representatives(actionPatterns.map(compileAction), ACTION_CHARS_EXTRA, fold, validAction);
  const actionHits = hitsOf(actionPatterns, compileAction, actions.map(fold));
  const found: Escape[] = [];
  for (const reading of READINGS) {
    const compile = (pattern: string) => compileResource(pattern, reading, segments);
    const resources = representatives(
      resourcePatterns.map(compile),
      [':'],
      (value) => value,
      () => true,
    );
    const resourceHits = hitsOf(resourcePatterns, compile, resources);
    const reach = (statement: OracleStatement) => ({
      statement,
      actions: anyHit(statement.actions, actionHits, actions.length),
      resources: anyHit(statement.resources, resourceHits, resources.length),
    });
    const sessionReach = sessionStatements.map(reach);
    const ceilingReach = ceilingStatements.map(reach);
    for (const context of subsets(conditions)) {
      const holds = new Set(context);
      for (let a = 0; a < actions.length; a++) {
        for (let r = 0; r < resources.length; r++) {
          if (!allows(sessionReach, holds, a, r) || allows(ceilingReach, holds, a, r)) continue;
          found.push({ reading, context, action: actions[a] ?? '', resource: resources[r] ?? '' });
          if (found.length >= limit) return found;
        }
      }
    }
  }
  return found;
}

interface Reach {
  statement: OracleStatement;
  /** Per representative: does one of the statement's patterns match it? */
  actions: boolean[];
  resources: boolean[];
}

function allows(statements: Reach[], holds: Set<string>, action: number, resource: number): boolean {
  let allowed = false;
  for (const { statement, actions, resources } of statements) {
    if (statement.condition !== undefined && !holds.has(statement.condition)) continue;
    if (!actions[action] || !resources[resource]) continue;
    if (statement.effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}

function hitsOf(
  patterns: string[],
  compile: (pattern: string) => Automaton,
  texts: string[],
): Map<string, boolean[]> {
  return new Map(
    patterns.map((pattern) => {
      const automaton = compile(pattern);
      return [pattern, texts.map((text) => accepts(automaton, text))];
    }),
  );
}

function anyHit(patterns: string[], hits: Map<string, boolean[]>, count: number): boolean[] {
  return Array.from({ length: count }, (_, index) => patterns.some((p) => hits.get(p)?.[index] === true));
}

// ---- documents -------------------------------------------------------------------------

function statementsOf(document: unknown): OracleStatement[] {
  const parsed = typeof document === 'string' ? JSON.parse(document) : document;
  if (typeof parsed !== 'object' || parsed === null) throw new TypeError('a policy is an object');
  const raw = (parsed as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((item: unknown) => {
    const s = item as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new TypeError(`bad Effect ${String(s.Effect)}`);
    const statement: OracleStatement = {
      effect: s.Effect,
      actions: stringList(s.Action),
      resources: stringList(s.Resource),
    };
    if (s.Condition !== undefined) statement.condition = canonicalJson(s.Condition);
    return statement;
  });
}

function stringList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === 'string')) throw new TypeError('Action/Resource are strings');
  return list as string[];
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function subsets<T>(items: T[]): T[][] {
  const result: T[][] = [[]];
  for (const item of items) for (const subset of [...result]) result.push([...subset, item]);
  return result;
}

// ---- patterns ----------------------------------------------------------------------------

const fold = (value: string) => value.toLowerCase();
const ACTION_CHARS_EXTRA = [':'];

function compileAction(pattern: string): Automaton {
  return [...fold(pattern)].map((char) => tokenOf(char, 'any'));
}

function tokenOf(char: string, cls: CharClass): Token {
  if (char === '*') return { kind: 'star', cls };
  if (char === '?') return { kind: 'one', cls };
  return { kind: 'literal', char };
}

function compileResource(pattern: string, reading: Reading, count: number): Automaton {
  if (pattern === '*') return [{ kind: 'star', cls: 'any' }];
  if (reading === 'whole-string') return [...pattern].map((char) => tokenOf(char, 'any'));
  const parts = pattern.split(':');
  if (parts.length < count) return null;
  const segments = [...parts.slice(0, count - 1), parts.slice(count - 1).join(':')];
  const tokens: Token[] = [];
  segments.forEach((segment, index) => {
    if (index > 0) tokens.push({ kind: 'literal', char: ':' });
    const last = index === count - 1;
    [...segment].forEach((char, at) => {
      const crosses = last || (reading === 'expanding' && char === '*' && at === segment.length - 1);
      tokens.push(tokenOf(char, crosses ? 'any' : 'no-colon'));
    });
  });
  return tokens;
}

function classAccepts(cls: CharClass, char: string): boolean {
  return cls === 'any' || char !== ':';
}

/** Positions reachable after `*` tokens are skipped. */
function closure(tokens: Token[], active: Set<number>): Set<number> {
  const result = new Set(active);
  for (let position = 0; position <= tokens.length; position++) {
    if (result.has(position) && tokens[position]?.kind === 'star') result.add(position + 1);
  }
  return result;
}

function step(tokens: Token[], active: Set<number>, char: string): Set<number> {
  const next = new Set<number>();
  for (const position of active) {
    const token = tokens[position];
    if (token === undefined) continue;
    if (token.kind === 'literal') {
      if (token.char === char) next.add(position + 1);
    } else if (classAccepts(token.cls, char)) {
      next.add(token.kind === 'star' ? position : position + 1);
    }
  }
  return closure(tokens, next);
}

function accepts(automaton: Automaton, text: string): boolean {
  if (automaton === null) return false;
  let active = closure(automaton, new Set([0]));
  for (const char of text) {
    active = step(automaton, active, char);
    if (active.size === 0) return false;
  }
  return active.has(automaton.length);
}

// ---- regions -----------------------------------------------------------------------------

const FRESH_CANDIDATES = ['q', 'x', 'j', 'k', 'z', '#', '~', '%'];

/**
 * One string per reachable combination of automaton states (so per region, and then some),
 * shortest first. `valid` keeps only strings that can occur (an action has one colon).
 */
function representatives(
  automata: Automaton[],
  extraChars: string[],
  normalise: (value: string) => string,
  valid: (value: string) => boolean,
): string[] {
  const live = automata.filter((a): a is Token[] => a !== null);
  const chars = new Set<string>(extraChars);
  for (const tokens of live) for (const t of tokens) if (t.kind === 'literal') chars.add(normalise(t.char));
  const fresh = FRESH_CANDIDATES.find((c) => !chars.has(c));
  if (fresh === undefined) throw new Error('no fresh character left');
  chars.add(fresh);
  const alphabet = [...chars];

  const dfas = live.map(subsetAutomaton);
  type Node = { text: string; states: number[]; shape: ActionShape };
  const keyOf = (node: Node) => `${node.shape}|${node.states.join(',')}`;
  const start: Node = { text: '', states: dfas.map(() => 0), shape: 'empty' };
  const seen = new Set([keyOf(start)]);
  const queue = [start];
  const found: string[] = [];
  const foundRegions = new Set<string>();
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as Node;
    const region = node.states.map((id, i) => (dfas[i]?.accepting(id) ? 1 : 0)).join('');
    if (valid(node.text) && !foundRegions.has(region)) {
      foundRegions.add(region);
      found.push(node.text);
    }
    // Once every automaton is dead, longer strings fall in the same (empty) region.
    if (node.text.length > 0 && node.states.every((id, i) => dfas[i]?.dead(id))) continue;
    for (const char of alphabet) {
      const next: Node = {
        text: node.text + char,
        states: node.states.map((id, i) => dfas[i]?.step(id, char) ?? 0),
        shape: valid === validAction ? nextShape(node.shape, char) : node.shape,
      };
      const key = keyOf(next);
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push(next);
    }
  }
  return found;
}

/** The subset construction of one pattern's automaton, built lazily; state 0 is the start. */
function subsetAutomaton(tokens: Token[]) {
  const ids = new Map<string, number>();
  const sets: Set<number>[] = [];
  const table = new Map<string, number>();
  const intern = (set: Set<number>) => {
    const key = [...set].sort((a, b) => a - b).join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      ids.set(key, id);
      sets.push(set);
    }
    return id;
  };
  intern(closure(tokens, new Set([0])));
  return {
    step(id: number, char: string): number {
      const key = `${id}|${char}`;
      let next = table.get(key);
      if (next === undefined) {
        next = intern(step(tokens, sets[id] ?? new Set(), char));
        table.set(key, next);
      }
      return next;
    },
    accepting: (id: number) => sets[id]?.has(tokens.length) === true,
    dead: (id: number) => sets[id]?.size === 0,
  };
}

/** A tiny automaton for "service:name" (one colon, both sides non-empty). */
type ActionShape = 'empty' | 'service' | 'colon' | 'valid' | 'invalid';

function nextShape(shape: ActionShape, char: string): ActionShape {
  if (char === ':') return shape === 'service' ? 'colon' : 'invalid';
  if (shape === 'empty') return 'service';
  if (shape === 'colon') return 'valid';
  return shape;
}

function validAction(value: string): boolean {
  const colon = value.indexOf(':');
  return colon > 0 && colon === value.lastIndexOf(':') && colon < value.length - 1;
}
