import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  foldAsciiCase,
  globMatch,
  globsMayIntersect,
  normalizeGlob,
  patternCovers,
} from '../../../lib/policy/index.js';

describe('globMatch', () => {
  it('matches `*` as any run and `?` as exactly one character', () => {
    // Prepare
    const cases: [string, string, boolean][] = [
      ['*', '', true],
      ['?', '', false],
      ['?', 'a', true],
      ['??', 'a', false],
      ['a*b', 'ab', true],
      ['a*b', 'axxb', true],
      ['a*b', 'axxc', false],
      ['*a*a*b', 'xaxaxb', true],
      ['*a*a*b', 'xaxb', false],
      ['s3:Get*', 's3:GetObject', true],
      ['s3:Get*', 's3:getObject', false],
      ['', '', true],
      ['', 'a', false],
      ['a?c', 'a:c', true],
    ];
    for (const [pattern, text, expected] of cases) {
      // Act
      const matched = globMatch(pattern, text);
      // Assess
      assert.equal(matched, expected, `${pattern} vs ${text}`);
    }
  });

  it('folds ASCII case only when asked, and never folds non-ASCII lookalikes', () => {
    // Act / Assess
    assert.equal(globMatch('s3:getobject', 'S3:GETOBJECT', { caseInsensitive: true }), true);
    assert.equal(globMatch('s3:getobject', 'S3:GETOBJECT'), false);
    // U+212A KELVIN SIGN lower-cases to `k` under Unicode rules.
    assert.equal(globMatch('kms:*', '\u212Ams:Decrypt', { caseInsensitive: true }), false);
    assert.equal(foldAsciiCase('AbC\u212A'), 'abc\u212A');
  });

  it('handles patterns longer than one 32-bit word of states', () => {
    // Prepare
    const pattern = `${'ab?'.repeat(30)}*${'z'.repeat(40)}`;
    const text = `${'abx'.repeat(30)}middle${'z'.repeat(40)}`;
    // Act / Assess
    assert.equal(globMatch(pattern, text), true);
    assert.equal(globMatch(pattern, `${text}q`), false);
    assert.equal(globMatch(pattern, text.replace('abx', 'aby').replace('ab', 'ba')), false);
  });

  it('stays fast on the adversarial `*a*a*…*b` against a long run of `a`', () => {
    // Prepare
    const pattern = `${'*a'.repeat(40)}*b`;
    const text = 'a'.repeat(200_000);
    // Act
    const started = performance.now();
    const matched = globMatch(pattern, text);
    const elapsed = performance.now() - started;
    // Assess
    assert.equal(matched, false);
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  });
});

describe('normalizeGlob', () => {
  it('rewrites each wildcard run as its `?`s then one `*`', () => {
    // Act / Assess
    assert.equal(normalizeGlob('a*?*?b**'), 'a??*b*');
    assert.equal(normalizeGlob('*?'), '?*');
    assert.equal(normalizeGlob('abc'), 'abc');
  });
});

describe('patternCovers', () => {
  it('decides the table cases of the issue', () => {
    // Prepare
    const cases: [string, string, boolean][] = [
      ['s3:GetObject', 's3:*', false],
      ['s3:*', 's3:GetObject', true],
      ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket/*', true],
      ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket*', false],
      ['*?', '??', true],
      ['??', '*?', false],
      ['?*', '*?', true],
      ['*', '*', true],
      ['a*', '*', false],
      ['a?c', 'a*c', false],
      ['a*c', 'a?c', true],
      ['*a*', 'xa*', true],
      ['*a*', 'x*', false],
    ];
    for (const [ceiling, request, expected] of cases) {
      // Act
      const covered = patternCovers(ceiling, request);
      // Assess
      assert.equal(covered, expected, `${request} under ${ceiling}`);
    }
  });

  it('compares case-insensitively only when asked', () => {
    // Act / Assess
    assert.equal(patternCovers('s3:Get*', 'S3:GETOBJECT', { caseInsensitive: true }), true);
    assert.equal(patternCovers('s3:Get*', 'S3:GETOBJECT'), false);
  });
});

describe('globsMayIntersect', () => {
  it('never says disjoint for globs that share a string', () => {
    // Prepare
    const overlapping: [string, string][] = [
      ['s3:*Object', 's3:Delete*'],
      ['*', 'anything'],
      ['a?c', 'ab*'],
      ['*x', 'x*'],
      ['ab', 'a?'],
    ];
    for (const [left, right] of overlapping) {
      // Act / Assess
      assert.equal(globsMayIntersect(left, right), true, `${left} & ${right}`);
    }
  });

  it('says disjoint when literal prefixes, suffixes or lengths disagree', () => {
    // Prepare
    const disjoint: [string, string][] = [
      ['s3:Get*', 's3:Delete*'],
      ['*.txt', '*.pdf'],
      ['ab', 'abc'],
      ['ab', 'abc*'],
      ['a?', 'b*'],
      // Suffixes that differ only at their character farthest from the end
      ['*xb', '*yb'],
      ['x*ab', '*cb'],
    ];
    for (const [left, right] of disjoint) {
      // Act / Assess
      assert.equal(globsMayIntersect(left, right), false, `${left} & ${right}`);
    }
    assert.equal(globsMayIntersect('S3:GET*', 's3:get*', { caseInsensitive: true }), true);
  });
});
