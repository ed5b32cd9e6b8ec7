/**
 * Strict JSON text parser for untrusted input (HTTP bodies, inline session policies).
 *
 * Why not JSON.parse: it silently keeps the last of two duplicate keys, so
 * `{"Effect":"Deny","Effect":"Allow"}` means one thing to us and may mean another to the
 * next parser in the chain (a classic policy-smuggling trick); it accepts any nesting
 * depth and array length; and it creates own `__proto__` keys that a later spread or
 * merge turns into prototype pollution. This parser rejects all of those with the JSON
 * path of the offending value.
 *
 * Linear time: one pass over the text; recursion depth is bounded by `maxDepth`.
 */

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; path: string; reason: string };

export interface StrictJsonLimits {
  /** Deepest nesting of objects and arrays; the top-level container is depth 1. */
  maxDepth?: number;
  maxArrayLength?: number;
}

// Keys that, once copied by a merge or spread elsewhere, can reach Object.prototype.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// Recursion is bounded by maxDepth; above this the call stack itself becomes the limit.
const HIGHEST_ALLOWED_DEPTH = 1000;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends an object key to a JSON path: `$.a` for identifiers, `$["a b"]` otherwise. */
export function appendJsonPathKey(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export function parseStrictJson(text: string, limits: StrictJsonLimits = {}): StrictJsonResult {
  const maxDepth = limits.maxDepth ?? 32;
  const maxArrayLength = limits.maxArrayLength ?? 1000;
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > HIGHEST_ALLOWED_DEPTH) {
    throw new RangeError(`maxDepth must be an integer in [1, ${HIGHEST_ALLOWED_DEPTH}]`);
  }
  const parser = new StrictJsonParser(text, maxDepth, maxArrayLength);
  try {
    return { ok: true, value: parser.parseDocument() };
  } catch (error) {
    if (error instanceof JsonRejection) return { ok: false, path: error.path, reason: error.reason };
    throw error;
  }
}

class JsonRejection extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

// Character codes, compared with charCodeAt to stay on the fast path.
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const SIMPLE_ESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

class StrictJsonParser {
  private index = 0;
  private readonly pathParts: string[] = ['$'];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly maxArrayLength: number,
  ) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.index < this.text.length) this.reject(`unexpected ${this.describeHere()} after the JSON value`);
    return value;
  }

  private parseValue(depth: number): unknown {
    const code = this.text.charCodeAt(this.index);
    if (code === OPEN_BRACE) return this.parseObject(depth + 1);
    if (code === OPEN_BRACKET) return this.parseArray(depth + 1);
    if (code === QUOTE) return this.parseString();
    if (code === MINUS || (code >= ZERO && code <= NINE)) return this.parseNumber();
    if (this.text.startsWith('true', this.index)) return this.literal(4, true);
    if (this.text.startsWith('false', this.index)) return this.literal(5, false);
    if (this.text.startsWith('null', this.index)) return this.literal(4, null);
    return this.reject(`unexpected ${this.describeHere()}`);
  }

  private literal<T>(length: number, value: T): T {
    this.index += length;
    return value;
  }

  private parseObject(depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) this.reject(`nesting deeper than ${this.maxDepth} levels`);
    this.index++;
    const result: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.text.charCodeAt(this.index) === CLOSE_BRACE) {
      this.index++;
      return result;
    }
    for (;;) {
      if (this.text.charCodeAt(this.index) !== QUOTE)
        this.reject(`expected a key, got ${this.describeHere()}`);
      const keyOffset = this.index;
      const key = this.parseString();
      if (FORBIDDEN_KEYS.has(key)) this.reject(`forbidden key ${JSON.stringify(key)} at offset ${keyOffset}`);
      // Rejecting before assignment is what keeps `__proto__` from ever reaching a setter.
      if (Object.hasOwn(result, key))
        this.reject(`duplicate key ${JSON.stringify(key)} at offset ${keyOffset}`);
      this.skipWhitespace();
      this.expect(COLON, "':'");
      this.skipWhitespace();
      this.pathParts.push(appendJsonPathKey('', key));
      result[key] = this.parseValue(depth);
      this.pathParts.pop();
      if (this.closesAfterItem(CLOSE_BRACE, '}')) return result;
    }
  }

  private parseArray(depth: number): unknown[] {
    if (depth > this.maxDepth) this.reject(`nesting deeper than ${this.maxDepth} levels`);
    this.index++;
    const result: unknown[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.index) === CLOSE_BRACKET) {
      this.index++;
      return result;
    }
    for (;;) {
      if (result.length === this.maxArrayLength)
        this.reject(`array longer than ${this.maxArrayLength} items`);
      this.pathParts.push(`[${result.length}]`);
      result.push(this.parseValue(depth));
      this.pathParts.pop();
      if (this.closesAfterItem(CLOSE_BRACKET, ']')) return result;
    }
  }

  /** After a member or an item: true past the closing bracket, false past a comma; else refused. */
  private closesAfterItem(close: number, closeText: string): boolean {
    this.skipWhitespace();
    const code = this.text.charCodeAt(this.index);
    this.index++;
    if (code === close) return true;
    if (code !== COMMA) {
      this.index--;
      this.reject(`expected ',' or '${closeText}', got ${this.describeHere()}`);
    }
    this.skipWhitespace();
    return false;
  }

  private parseString(): string {
    const { text } = this;
    this.index++;
    let result = '';
    let runStart = this.index;
    for (;;) {
      const code = text.charCodeAt(this.index);
      if (code === QUOTE) {
        result += text.slice(runStart, this.index);
        this.index++;
        return result;
      }
      if (Number.isNaN(code)) this.reject('unterminated string');
      if (code < SPACE) this.reject(`control character U+${hex4(code)} in a string at offset ${this.index}`);
      if (code === BACKSLASH) {
        result += text.slice(runStart, this.index) + this.parseEscape();
        runStart = this.index;
      } else {
        this.index++;
      }
    }
  }

  private parseEscape(): string {
    const escapeOffset = this.index;
    const letter = this.text.charAt(this.index + 1);
    const simple = SIMPLE_ESCAPES.get(letter);
    if (simple !== undefined) {
      this.index += 2;
      return simple;
    }
    if (letter === 'u') {
      const digits = this.text.slice(this.index + 2, this.index + 6);
      if (/^[0-9A-Fa-f]{4}$/.test(digits)) {
        this.index += 6;
        return String.fromCharCode(Number.parseInt(digits, 16));
      }
    }
    return this.reject(`invalid escape at offset ${escapeOffset}`);
  }

  private parseNumber(): number {
    const start = this.index;
    if (this.text.charCodeAt(this.index) === MINUS) this.index++;
    if (this.text.charCodeAt(this.index) === ZERO) {
      this.index++;
    } else if (!this.skipDigits()) {
      this.reject(`invalid number at offset ${start}`);
    }
    if (this.text.charCodeAt(this.index) === DOT) {
      this.index++;
      if (!this.skipDigits()) this.reject(`invalid number at offset ${start}`);
    }
    const exponent = this.text.charCodeAt(this.index);
    if (exponent === LOWER_E || exponent === UPPER_E) {
      this.index++;
      const sign = this.text.charCodeAt(this.index);
      if (sign === PLUS || sign === MINUS) this.index++;
      if (!this.skipDigits()) this.reject(`invalid number at offset ${start}`);
    }
    return Number(this.text.slice(start, this.index));
  }

  /** Advances over [0-9]*; says whether it moved. */
  private skipDigits(): boolean {
    const start = this.index;
    for (;;) {
      const code = this.text.charCodeAt(this.index);
      if (code < ZERO || code > NINE || Number.isNaN(code)) return this.index > start;
      this.index++;
    }
  }

  private skipWhitespace(): void {
    for (;;) {
      const code = this.text.charCodeAt(this.index);
      if (code !== SPACE && code !== TAB && code !== LINE_FEED && code !== CARRIAGE_RETURN) return;
      this.index++;
    }
  }

  private expect(code: number, label: string): void {
    if (this.text.charCodeAt(this.index) !== code)
      this.reject(`expected ${label}, got ${this.describeHere()}`);
    this.index++;
  }

  private describeHere(): string {
    if (this.index >= this.text.length) return 'end of input';
    return `character ${JSON.stringify(this.text.charAt(this.index))} at offset ${this.index}`;
  }

  private reject(reason: string): never {
    throw new JsonRejection(this.pathParts.join(''), reason);
  }
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}
