import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTime, isValid } from 'ulid';
import { newRecordId, pooledRandom } from '../../lib/ids.js';

describe('newRecordId', () => {
  it('makes valid ULIDs carrying the current time', () => {
    // Prepare
    const before = Date.now();
    // Act
    const id = newRecordId();
    // Assess
    assert.equal(isValid(id), true, id);
    assert.ok(decodeTime(id) >= before && decodeTime(id) <= Date.now());
  });

  it('never repeats an id, across many refills of the pool', () => {
    // Act: 16 bytes per id, so 20,000 ids refill a 4 KB pool 78 times.
    const ids = Array.from({ length: 20_000 }, newRecordId);
    // Assess
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(new Set(ids.map((id) => id.slice(10))).size, ids.length, 'random parts repeat');
  });

  it('uses every character of the alphabet in the random part, about equally often', () => {
    // Act
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      for (const char of newRecordId().slice(10)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    // Assess: 32,000 characters over 32 symbols, 1,000 expected each (σ ≈ 31).
    assert.equal(counts.size, 32);
    for (const [char, count] of counts) assert.ok(count > 800 && count < 1_200, `${char}: ${count}`);
  });
});

describe('pooledRandom', () => {
  it('gives fractions in [0, 1) on the 1/256 grid, and new ones after the pool refills', () => {
    // Prepare: a pool of 4 bytes, drawn 64 times (16 refills).
    const random = pooledRandom(4);
    // Act
    const values = Array.from({ length: 64 }, random);
    // Assess
    for (const value of values) {
      assert.ok(value >= 0 && value < 1, String(value));
      assert.equal(Number.isInteger(value * 256), true, String(value));
    }
    const pools = Array.from({ length: 16 }, (_, i) => values.slice(i * 4, i * 4 + 4).join());
    assert.ok(new Set(pools).size > 1, 'every refill drew the same bytes');
  });
});
