/**
 * "May these two globs match a common string?" for ceiling Denies. An over-approximation
 * is the safe side (a false "yes" only rejects a request), so it compares the literal
 * heads and tails and the lengths, and answers yes to everything else.
 */
import { foldAsciiCase, type GlobOptions } from './glob.js';

const STAR = 0x2a;
const QUESTION = 0x3f;

/**
 * Could two globs match a common string? Over-approximates (true when unsure, never false
 * when they can), which is the safe side for a Deny: the literal parts before the first `*`
 * and after the last `*` must agree position by position, and the lengths must fit.
 */
export function globsMayIntersect(first: string, second: string, opts: GlobOptions = {}): boolean {
  const caseInsensitive = opts.caseInsensitive === true;
  const left = caseInsensitive ? foldAsciiCase(first) : first;
  const right = caseInsensitive ? foldAsciiCase(second) : second;
  const leftHead = headLength(left);
  const rightHead = headLength(right);
  for (let index = 0; index < Math.min(leftHead, rightHead); index++) {
    if (!tokensCompatible(left.charCodeAt(index), right.charCodeAt(index))) return false;
  }
  const leftTail = tailLength(left);
  const rightTail = tailLength(right);
  for (let offset = 1; offset <= Math.min(leftTail, rightTail); offset++) {
    if (!tokensCompatible(left.charCodeAt(left.length - offset), right.charCodeAt(right.length - offset))) {
      return false;
    }
  }
  return lengthsFit(left, right) && lengthsFit(right, left);
}

/** Characters before the first `*` (the whole pattern when it has none). */
function headLength(pattern: string): number {
  const star = pattern.indexOf('*');
  return star === -1 ? pattern.length : star;
}

function tailLength(pattern: string): number {
  const star = pattern.lastIndexOf('*');
  return star === -1 ? pattern.length : pattern.length - star - 1;
}

function tokensCompatible(left: number, right: number): boolean {
  return left === right || left === QUESTION || right === QUESTION;
}

/** A star-free pattern matches strings of exactly its length; the other needs at least its token count. */
function lengthsFit(fixed: string, other: string): boolean {
  if (fixed.includes('*')) return true;
  const otherTokens = other.length - countStars(other);
  return other.includes('*') ? fixed.length >= otherTokens : fixed.length === otherTokens;
}

function countStars(pattern: string): number {
  let stars = 0;
  for (let index = 0; index < pattern.length; index++) if (pattern.charCodeAt(index) === STAR) stars++;
  return stars;
}
