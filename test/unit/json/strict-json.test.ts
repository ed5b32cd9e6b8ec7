import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendJsonPathKey, parseStrictJson } from '../../../lib/json/strict-json.js';

function rejection(text: string, limits?: { maxDepth?: number; maxArrayLength?: number }) {
  const result = parseStrictJson(text, limits);
  assert.equal(result.ok, false, `expected ${text.slice(0, 60)} to be rejected`);
  return result.ok ? { path: '', reason: '' } : result;
}

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses, with the same values', () => {
    // Prepare
    const texts = [
      '{"a":[1,-2.5e3,0,true,false,null,"x\\u00e9\\n\\"\\\\\\/"],"b":{},"c":[]}',
      ' \t\r\n[ 1 , {"k" : "v"} ] ',
      '"\\ud800 lone surrogate"',
      '1e400',
      '-0',
    ];
    for (const text of texts) {
      // Act
      const result = parseStrictJson(text);
      // Assess
      assert.deepEqual(result, { ok: true, value: JSON.parse(text) });
    }
  });

  it('rejects a duplicate key and names it with the path of its object', () => {
    // Prepare
    const text = '{"policy":{"Statement":[{"Effect":"Deny","Action":"*","Effect":"Allow"}]}}';
    // Act
    const { path, reason } = rejection(text);
    // Assess
    assert.equal(path, '$.policy.Statement[0]');
    assert.match(reason, /duplicate key "Effect"/);
  });

  it('rejects __proto__, constructor and prototype keys at any depth and never touches a prototype', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      // Prepare
      const text = `{"a":{"b":[{"${key}":{"polluted":true}}]}}`;
      // Act
      const { path, reason } = rejection(text);
      // Assess
      assert.equal(path, '$.a.b[0]');
      assert.match(reason, new RegExp(`forbidden key "${key}"`));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('builds plain objects whose keys named like Object.prototype members stay own data', () => {
    // Prepare / Act
    const result = parseStrictJson('{"toString":"x","hasOwnProperty":1}');
    // Assess
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.value as object), ['toString', 'hasOwnProperty']);
  });

  it('enforces the maximum depth, default 32', () => {
    // Prepare
    const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    // Act / Assess
    assert.ok(parseStrictJson(deep(32)).ok);
    assert.match(rejection(deep(33)).reason, /deeper than 32/);
    assert.ok(parseStrictJson('{"a":{"b":1}}', { maxDepth: 2 }).ok);
    const { path, reason } = rejection('{"a":{"b":{"c":1}}}', { maxDepth: 2 });
    assert.equal(path, '$.a.b');
    assert.match(reason, /deeper than 2/);
  });

  it('survives very deep input without overflowing the stack', () => {
    // Prepare
    const text = '['.repeat(200_000);
    // Act / Assess
    assert.match(rejection(text).reason, /deeper than 32/);
  });

  it('enforces the maximum array length, default 1000', () => {
    // Prepare
    const array = (length: number) => `{"list":[${Array.from({ length }, () => '0').join(',')}]}`;
    // Act / Assess
    assert.ok(parseStrictJson(array(1000)).ok);
    const { path, reason } = rejection(array(1001));
    assert.equal(path, '$.list');
    assert.match(reason, /longer than 1000/);
    assert.match(rejection('[1,2,3]', { maxArrayLength: 2 }).reason, /longer than 2/);
  });

  it('rejects trailing garbage, bad escapes, control characters and malformed numbers', () => {
    // Prepare
    const cases: [string, RegExp][] = [
      ['{"a":1} x', /after the JSON value/],
      ['{"a":1}{}', /after the JSON value/],
      ['"\\x41"', /invalid escape/],
      ['"\\u12G4"', /invalid escape/],
      ['"a\nb"', /control character U\+000A/],
      ['01', /after the JSON value/],
      ['1.', /invalid number/],
      ['-', /invalid number/],
      ['1e+', /invalid number/],
      ['{"a" 1}', /expected ':'/],
      ['{"a":1,}', /expected a key/],
      ['[1,]', /unexpected character/],
      ['[1 2]', /expected ',' or ']'/],
      ['{a:1}', /expected a key/],
      ['"open', /unterminated string/],
      ['', /end of input/],
      ['\uFEFF{}', /unexpected character/],
      ['NaN', /unexpected/],
      ['tru', /unexpected/],
    ];
    for (const [text, reason] of cases) {
      // Act
      const result = rejection(text);
      // Assess
      assert.match(result.reason, reason, `for ${JSON.stringify(text)}`);
    }
  });

  it('puts non-identifier keys in brackets in the path', () => {
    // Prepare / Act
    const { path } = rejection('{"a b":{"c":[tru]}}');
    // Assess
    assert.equal(path, '$["a b"].c[0]');
    assert.equal(appendJsonPathKey('$', 'x-y'), '$["x-y"]');
  });

  it('runs in linear time on long strings and wide arrays', () => {
    // Prepare
    const longString = `"${'a\\n'.repeat(200_000)}"`;
    const wide = `[${Array.from({ length: 1000 }, () => `"${'b'.repeat(500)}"`).join(',')}]`;
    // Act
    const started = performance.now();
    const results = [parseStrictJson(longString), parseStrictJson(wide)];
    const elapsed = performance.now() - started;
    // Assess
    assert.ok(results.every((result) => result.ok));
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });

  it('refuses a maxDepth the call stack could not honour', () => {
    // Act / Assess
    assert.throws(() => parseStrictJson('[]', { maxDepth: 100_000 }), RangeError);
  });
});
