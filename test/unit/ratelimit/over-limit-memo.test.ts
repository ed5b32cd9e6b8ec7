import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeOverLimitMemo } from '../../../lib/ratelimit/over-limit-memo.js';

describe('over-limit memo', () => {
  it('knows a caller is over a budget until the window ends, then forgets', () => {
    // Prepare
    const memo = makeOverLimitMemo();
    memo.remember('aws:1:role/a', 'requests', 60_000, 1_000);
    // Act / Assess
    assert.equal(memo.overUntil('aws:1:role/a', 'requests', 59_999), 60_000);
    assert.equal(memo.overUntil('aws:1:role/a', 'audit', 30_000), undefined);
    assert.equal(memo.overUntil('aws:1:role/b', 'requests', 30_000), undefined);
    assert.equal(memo.overUntil('aws:1:role/a', 'requests', 60_000), undefined);
  });

  it('stays bounded under a flood of distinct callers, dropping expired entries first', () => {
    // Prepare
    const memo = makeOverLimitMemo(3);
    memo.remember('expired', 'requests', 10, 0);
    memo.remember('live-1', 'requests', 1_000, 0);
    memo.remember('live-2', 'requests', 1_000, 0);
    // Act
    memo.remember('live-3', 'requests', 1_000, 500);
    memo.remember('live-4', 'requests', 1_000, 500);
    // Assess: the expired one went first, then the oldest live one
    assert.equal(memo.overUntil('live-1', 'requests', 600), undefined);
    for (const key of ['live-2', 'live-3', 'live-4'])
      assert.equal(memo.overUntil(key, 'requests', 600), 1_000);
  });
});
