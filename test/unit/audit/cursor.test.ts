import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { type CursorPosition, fingerprint, makeCursorSealer } from '../../../lib/audit/cursor.js';
import { BrokerError } from '../../../lib/errors.js';

const KEY = 'unit-test-cursor-key-0123456789abcdefghij';
const position: CursorPosition = {
  v: 1,
  i: 'byCaller',
  p: 'aws:111111111111:role/reporting-service',
  k: { issuanceId: 'ISS1', record: 'INTENT', ts: '2025-03-10T00:00:00.000Z#ISS1#INTENT' },
  f: fingerprint({ caller: 'aws:111111111111:role/reporting-service' }),
  r: {},
};

describe('cursor sealing', () => {
  it('opens what it sealed, and the cursor is URL-safe', () => {
    // Prepare
    const sealer = makeCursorSealer(KEY);
    // Act
    const cursor = sealer.seal(position);
    // Assess
    assert.match(cursor, /^[\w-]+\.[\w-]+$/);
    assert.deepEqual(sealer.open(cursor), position);
  });

  it('refuses a cursor whose payload, MAC or key changed, and garbage', () => {
    // Prepare
    const sealer = makeCursorSealer(KEY);
    const cursor = sealer.seal(position);
    const [payload = '', mac = ''] = cursor.split('.');
    const moved = Buffer.from(JSON.stringify({ ...position, p: 'aws:999999999999:role/other' })).toString(
      'base64url',
    );
    const bad = [
      `${moved}.${mac}`,
      `${payload}.${mac.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
      `${payload}.${mac}.extra`,
      `${payload}.`,
      'not-a-cursor',
      makeCursorSealer(`${KEY}-rotated`).seal(position),
    ];
    // Act
    const outcomes = bad.map((cursor) => {
      try {
        sealer.open(cursor);
        return 'accepted';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    });
    // Assess
    assert.deepEqual(outcomes, Array(bad.length).fill('invalid_cursor'));
  });

  it('refuses a correctly signed payload that is not a cursor', () => {
    // Prepare: a MAC over something else entirely must not reach the query.
    const sealer = makeCursorSealer(KEY);
    const forged = sealer.seal({ ...position, v: 2 } as unknown as CursorPosition);
    // Act
    const open = () => sealer.open(forged);
    // Assess
    assert.throws(open, { code: 'invalid_cursor', status: 400 });
  });

  it('refuses a correctly signed payload that is not JSON', () => {
    // Prepare
    const payload = Buffer.from('{"v":1,', 'utf8').toString('base64url');
    const mac = createHmac('sha256', KEY).update(payload).digest('base64url');
    // Act
    const open = () => makeCursorSealer(KEY).open(`${payload}.${mac}`);
    // Assess
    assert.throws(open, { code: 'invalid_cursor', status: 400 });
  });

  it('refuses a short key, down to 31 characters, and tells filters apart by fingerprint', () => {
    // Act
    const short = () => makeCursorSealer('too-short');
    const oneShort = () => makeCursorSealer('k'.repeat(31));
    const enough = makeCursorSealer('k'.repeat(32));
    // Assess
    assert.throws(short, /at least 32/);
    assert.throws(oneShort, /at least 32/);
    assert.deepEqual(enough.open(enough.seal(position)), position);
    assert.notEqual(
      fingerprint({ grant: 'a', decision: undefined }),
      fingerprint({ grant: 'a', decision: 'ISSUED' }),
    );
    assert.equal(fingerprint({ a: '1', b: '2' }), fingerprint({ b: '2', a: '1' }));
  });

  it('takes a key getter: read at each use, so a rotated key takes over at once and a short one is refused', () => {
    // Prepare: a key read on first use is not there yet when the sealer is made
    let current = '';
    const sealer = makeCursorSealer(() => current);
    current = KEY;
    const before = sealer.seal(position);
    // Act
    current = `${KEY}-rotated`;
    const after = sealer.seal(position);
    // Assess
    assert.deepEqual(sealer.open(after), position);
    assert.notEqual(after, before);
    assert.throws(
      () => sealer.open(before),
      (error: unknown) => error instanceof BrokerError && error.code === 'invalid_cursor',
    );
    current = 'k'.repeat(31);
    assert.throws(() => sealer.seal(position), /at least 32/);
  });
});
