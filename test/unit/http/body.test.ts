import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { assertBodySize, parseBody, rawBody } from '../../../lib/http/body.js';
import { refusal } from '../../support/refusal.js';

const LIMIT = 65_536;
const schema = z.object({ grant: z.string(), durationSeconds: z.number().int().optional() }).strict();

describe('assertBodySize (invariant 14)', () => {
  it('accepts a body of exactly the limit', () => {
    // Prepare
    const event = { body: 'x'.repeat(LIMIT) };
    // Act
    const check = () => assertBodySize(event, LIMIT);
    // Assess
    assert.doesNotThrow(check);
  });

  it('refuses one byte over the limit with 413', () => {
    // Prepare
    const event = { body: 'x'.repeat(LIMIT + 1) };
    // Act
    const error = refusal(() => assertBodySize(event, LIMIT));
    // Assess
    assert.equal(error.status, 413);
    assert.equal(error.code, 'payload_too_large');
  });

  it('counts bytes, not characters', () => {
    // Prepare: 40 000 characters, 120 000 UTF-8 bytes.
    const event = { body: '\u20ac'.repeat(40_000) };
    // Act
    const error = refusal(() => assertBodySize(event, LIMIT));
    // Assess
    assert.equal(error.status, 413);
  });

  it('counts the decoded size of a base64 body', () => {
    // Prepare
    const over = Buffer.alloc(LIMIT + 3, 0x41).toString('base64');
    const under = Buffer.alloc(LIMIT - 3, 0x41).toString('base64');
    // Act
    const error = refusal(() => assertBodySize({ body: over, isBase64Encoded: true }, LIMIT));
    const check = () => assertBodySize({ body: under, isBase64Encoded: true }, LIMIT);
    // Assess
    assert.equal(error.status, 413);
    assert.doesNotThrow(check);
  });

  it('accepts an absent body', () => {
    // Prepare / Act
    const check = () => assertBodySize({}, LIMIT);
    // Assess
    assert.doesNotThrow(check);
  });
});

describe('rawBody', () => {
  it('decodes a base64 body and passes a plain one through', () => {
    // Prepare
    const text = '{"grant":"reports-reader"}';
    // Act
    const decoded = rawBody({ body: Buffer.from(text).toString('base64'), isBase64Encoded: true });
    const plain = rawBody({ body: text });
    const absent = rawBody({});
    // Assess
    assert.deepEqual([decoded, plain, absent], [text, text, '']);
  });
});

describe('parseBody (invariant 14)', () => {
  it('parses strict JSON and validates it with the schema', () => {
    // Prepare
    const text = '{"grant":"reports-reader","durationSeconds":900}';
    // Act
    const body = parseBody(text, schema);
    // Assess
    assert.deepEqual(body, { grant: 'reports-reader', durationSeconds: 900 });
  });

  for (const [label, text] of [
    ['an empty body', ''],
    ['a blank body', '  \n '],
    ['malformed JSON', '{"grant":'],
    ['trailing garbage', '{"grant":"a"} x'],
    ['a duplicate key', '{"grant":"reports-reader","grant":"admin"}'],
    ['a __proto__ key', '{"grant":"a","__proto__":{"polluted":true}}'],
    ['a nested __proto__ key', '{"grant":"a","policy":{"__proto__":{"polluted":true}}}'],
    ['a constructor key', '{"grant":"a","constructor":{"prototype":{"polluted":true}}}'],
    ['an unknown field', '{"grant":"a","externalId":"attacker"}'],
    ['a string duration', '{"grant":"a","durationSeconds":"3600"}'],
    ['a fractional duration', '{"grant":"a","durationSeconds":3600.5}'],
    ['an infinite duration', '{"grant":"a","durationSeconds":1e400}'],
    ['JSON with comments', '{"grant":"a" /* x */}'],
    ['a single-quoted string', "{'grant':'a'}"],
  ] as const) {
    it(`refuses ${label} with 400`, () => {
      // Prepare / Act
      const error = refusal(() => parseBody(text, schema));
      // Assess
      assert.equal(error.status, 400);
      assert.equal(error.code, 'invalid_request');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  it('names the offending field of a schema failure', () => {
    // Prepare
    const text = '{"grant":"a","durationSeconds":"3600"}';
    // Act
    const error = refusal(() => parseBody(text, schema));
    // Assess
    assert.deepEqual(
      error.fields?.map((f) => f.path),
      ['durationSeconds'],
    );
  });

  it('names the JSON path of a duplicate key', () => {
    // Prepare
    const text = '{"grant":"a","policy":{"Effect":"Deny","Effect":"Allow"}}';
    // Act
    const error = refusal(() => parseBody(text, schema));
    // Assess
    assert.match(error.message, /duplicate key/);
    assert.ok(error.fields?.[0]?.path.startsWith('$'));
  });
});
