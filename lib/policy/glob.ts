/**
 * IAM globs (`*` = any run of characters, `?` = exactly one character), matched without
 * regular expressions and without backtracking.
 *
 * A glob is compiled to a linear NFA: one state per non-star token, and each `*` becomes a
 * self-loop on the state it follows. The NFA is simulated bit-parallel (one bit per state,
 * 32 states per word), so matching costs O(|text| × ⌈|pattern| / 32⌉): linear in the text,
 * whatever the pattern. A backtracking matcher (or a RegExp built from a policy) is
 * exponential or quadratic on `*a*a*a*…b`, and a policy author controls the pattern.
 *
 * The same automaton decides pattern-in-pattern containment: the requested pattern's
 * tokens are fed to the ceiling's automaton as if they were characters, where a requested
 * `*` can only be absorbed by a ceiling `*` and a requested `?` only by a ceiling `?` or `*`.
 */

export interface GlobOptions {
  caseInsensitive?: boolean;
}

const STAR = 0x2a;
const QUESTION = 0x3f;

interface CompiledGlob {
  readonly words: number;
  readonly acceptWord: number;
  readonly acceptBit: number;
  /** States carrying a `*` self-loop: they stay active on any input. */
  readonly loops: Uint32Array;
  /** States entered through a `?` token. */
  readonly anyCharEntries: Uint32Array;
  /** States entered through a literal, per character code. */
  readonly literalEntries: Map<number, Uint32Array>;
}

/** ASCII-only case folding: Unicode folding would turn U+212A (Kelvin sign) into `k`. */
export function foldAsciiCase(value: string): string {
  let folded = '';
  let runStart = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 0x41 && code <= 0x5a) {
      folded += value.slice(runStart, index) + String.fromCharCode(code + 0x20);
      runStart = index + 1;
    }
  }
  return runStart === 0 ? value : folded + value.slice(runStart);
}

/**
 * Rewrites each run of wildcards as its `?`s followed by at most one `*` (`*?*` → `?*`):
 * the same language, and a canonical form that makes containment less conservative.
 */
export function normalizeGlob(pattern: string): string {
  // Most patterns are already canonical; skip the rebuild (and its garbage) for them.
  if (!pattern.includes('**') && !pattern.includes('*?')) return pattern;
  let normalized = '';
  let questions = '';
  let star = false;
  for (const char of pattern) {
    if (char === '*') star = true;
    else if (char === '?') questions += '?';
    else {
      normalized += questions + (star ? '*' : '') + char;
      questions = '';
      star = false;
    }
  }
  return normalized + questions + (star ? '*' : '');
}

// Containment compares the same ceiling patterns many times; compiling is most of the cost.
// Bounded, and cleared when full, so hostile input cannot grow it.
const COMPILED_CACHE_LIMIT = 1024;
const compiledCache = new Map<string, CompiledGlob>();

function compileCached(pattern: string): CompiledGlob {
  let glob = compiledCache.get(pattern);
  if (glob === undefined) {
    if (compiledCache.size >= COMPILED_CACHE_LIMIT) compiledCache.clear();
    glob = compileGlob(pattern);
    if (pattern.length <= 256) compiledCache.set(pattern, glob);
  }
  return glob;
}

function compileGlob(pattern: string): CompiledGlob {
  let tokenCount = 0;
  for (let index = 0; index < pattern.length; index++) if (pattern.charCodeAt(index) !== STAR) tokenCount++;
  const words = Math.ceil((tokenCount + 1) / 32);
  const loops = new Uint32Array(words);
  const anyCharEntries = new Uint32Array(words);
  const literalEntries = new Map<number, Uint32Array>();
  let state = 0;
  for (let index = 0; index < pattern.length; index++) {
    const code = pattern.charCodeAt(index);
    if (code === STAR) {
      setBit(loops, state);
      continue;
    }
    state++;
    if (code === QUESTION) {
      setBit(anyCharEntries, state);
      continue;
    }
    let entries = literalEntries.get(code);
    if (entries === undefined) {
      entries = new Uint32Array(words);
      literalEntries.set(code, entries);
    }
    setBit(entries, state);
  }
  return {
    words,
    acceptWord: state >>> 5,
    acceptBit: (1 << (state & 31)) >>> 0,
    loops,
    anyCharEntries,
    literalEntries,
  };
}

function setBit(bits: Uint32Array, position: number): void {
  const word = position >>> 5;
  bits[word] = ((bits[word] ?? 0) | (1 << (position & 31))) >>> 0;
}

/**
 * The input is a text, or a requested pattern read token by token: then its `?` may enter
 * only `?` states and its `*` no state at all (only a `*` self-loop can absorb it).
 */
type InputKind = 'text' | 'pattern';

const ANY_CHAR = -1;
const ANY_RUN = -2;

function symbolAt(input: string, index: number, kind: InputKind): number {
  const code = input.charCodeAt(index);
  if (kind === 'text') return code;
  return code === STAR ? ANY_RUN : code === QUESTION ? ANY_CHAR : code;
}

/**
 * Runs the automaton over the input, one symbol per character. The step is
 *   next = ((active << 1) & entered(symbol)) | (active & loops)
 * with the shift carried across words.
 */
function run(glob: CompiledGlob, input: string, kind: InputKind): boolean {
  const { words, loops, anyCharEntries, literalEntries } = glob;
  if (words === 1) return runOneWord(glob, input, kind);
  const active = new Uint32Array(words);
  active[0] = 1;
  for (let index = 0; index < input.length; index++) {
    const symbol = symbolAt(input, index, kind);
    const literal = symbol >= 0 ? literalEntries.get(symbol) : undefined;
    let carry = 0;
    let alive = 0;
    for (let word = 0; word < words; word++) {
      const current = active[word] ?? 0;
      const shifted = ((current << 1) | carry) >>> 0;
      carry = current >>> 31;
      let entered = 0;
      if (symbol !== ANY_RUN) entered = anyCharEntries[word] ?? 0;
      if (literal !== undefined) entered |= literal[word] ?? 0;
      const next = ((shifted & entered) | (current & (loops[word] ?? 0))) >>> 0;
      active[word] = next;
      alive |= next;
    }
    if (alive === 0) return false;
  }
  return ((active[glob.acceptWord] ?? 0) & glob.acceptBit) !== 0;
}

/** The common case (under 32 tokens) with plain numbers instead of word arrays. */
function runOneWord(glob: CompiledGlob, input: string, kind: InputKind): boolean {
  const loops = glob.loops[0] ?? 0;
  const anyChar = glob.anyCharEntries[0] ?? 0;
  let active = 1;
  for (let index = 0; index < input.length; index++) {
    const symbol = symbolAt(input, index, kind);
    let entered = 0;
    if (symbol >= 0) entered = anyChar | (glob.literalEntries.get(symbol)?.[0] ?? 0);
    else if (symbol === ANY_CHAR) entered = anyChar;
    active = (((active << 1) & entered) | (active & loops)) >>> 0;
    if (active === 0) return false;
  }
  return (active & glob.acceptBit) !== 0;
}

/** Does `text` match the IAM glob `pattern`? Linear in `text`; no regex, no backtracking. */
export function globMatch(pattern: string, text: string, opts: GlobOptions = {}): boolean {
  const caseInsensitive = opts.caseInsensitive === true;
  const glob = compileCached(canonical(pattern, caseInsensitive));
  return run(glob, caseInsensitive ? foldAsciiCase(text) : text, 'text');
}

/**
 * Sound containment of globs: true only if every string matched by `requestPattern` is
 * matched by `ceilingPattern`. It may answer false for a contained pair (the check is
 * token-by-token after normalisation), never true for one that is not contained.
 */
export function patternCovers(
  ceilingPattern: string,
  requestPattern: string,
  opts: GlobOptions = {},
): boolean {
  const caseInsensitive = opts.caseInsensitive === true;
  const ceiling = canonical(ceilingPattern, caseInsensitive);
  const request = canonical(requestPattern, caseInsensitive);
  if (ceiling === request) return true;
  return run(compileCached(ceiling), request, 'pattern');
}

function canonical(pattern: string, caseInsensitive: boolean): string {
  return normalizeGlob(caseInsensitive ? foldAsciiCase(pattern) : pattern);
}
