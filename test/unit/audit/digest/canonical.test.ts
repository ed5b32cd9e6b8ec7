/** The canonical form of a record: RFC 8785 (JCS), and the leaf list a digest signs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalJson,
  leafLines,
  leafOf,
  leavesSha256,
  parseLeafLine,
} from '../../../../lib/audit/digest/canonical.js';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by code unit, drops whitespace and writes numbers in shortest form', () => {
    // RFC 8785 section 3.2.3 sorting example (keys in UTF-16 code unit order) and 3.2.2 numbers.
    assert.equal(
      canonicalJson({
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '1': 'One',
        a: [1e30, 4.5, 0.002, 1e-27],
      }),
      '{"\\r":"Carriage Return","1":"One","a":[1e+30,4.5,0.002,1e-27],"\u20ac":"Euro Sign"}',
    );
    assert.equal(canonicalJson({ b: 2, a: { d: null, c: 'x' } }), '{"a":{"c":"x","d":null},"b":2}');
  });

  it('hashes a record the same whatever order its fields came in', () => {
    // Prepare
    const record = {
      issuanceId: '01J0000000000000000000000',
      decision: 'ISSUED' as const,
      at: '2026-01-05T10:00:00.000Z',
      callerKey: 'aws:111111111111:role/app',
      callerPrincipal: 'arn:aws:sts::111111111111:assumed-role/app/s',
      callerKind: 'aws' as const,
      durationSeconds: 900,
    };
    const reordered = Object.fromEntries(Object.entries(record).reverse()) as typeof record;
    // Act
    const leaf = leafOf(record);
    // Assess: the canonical text written out by hand, and its hash as `sha256sum` printed it.
    assert.equal(
      canonicalJson(reordered),
      '{"at":"2026-01-05T10:00:00.000Z","callerKey":"aws:111111111111:role/app","callerKind":"aws","callerPrincipal":"arn:aws:sts::111111111111:assumed-role/app/s","decision":"ISSUED","durationSeconds":900,"issuanceId":"01J0000000000000000000000"}',
    );
    assert.deepEqual(leafOf(reordered), leaf);
    assert.equal(leaf.id, '01J0000000000000000000000/ISSUED');
    assert.equal(leaf.sha256, 'ae6312ae4cb57c85b72bad607b5bfdc9a483c38927ce364693f41335a6ad3346');
  });

  it('signs the sorted leaf lines, each ended by a newline', () => {
    // Prepare
    const lines = leafLines([
      { id: 'B/ISSUED', sha256: 'b'.repeat(64) },
      { id: 'A/INTENT', sha256: 'a'.repeat(64) },
    ]);
    // Assess: sorted by id, and the list hash is that of the text sha256sum would read.
    assert.deepEqual(lines, [`A/INTENT ${'a'.repeat(64)}`, `B/ISSUED ${'b'.repeat(64)}`]);
    assert.equal(leavesSha256(lines), 'f7d81bc825cccfd5dae8c3eba0e6e752ec17caf0a5a0935af299a81e68d5ea42');
    assert.equal(leavesSha256([]), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.deepEqual(parseLeafLine(lines[0] ?? ''), { id: 'A/INTENT', sha256: 'a'.repeat(64) });
    assert.equal(parseLeafLine('A/INTENT not-a-hash'), undefined);
  });
});
