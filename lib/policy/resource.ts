/**
 * ARN and TRN patterns, compared segment by segment.
 *
 * AWS: `arn:partition:service:region:account:resource`; Volcengine:
 * `trn:service:region:account:resource`. The resource segment is everything after the last
 * separating colon, colons included (`arn:aws:logs:r:1:log-group:/x:*`).
 *
 * AWS documents that a `*` ending a segment "can expand to match beyond the colon
 * boundaries", without saying how far. So two readings are possible and the checker must be
 * sound under both, applied consistently to request and ceiling:
 *   - by segment: each segment matched on its own (what the property tests' evaluator uses for Allow);
 *   - expanding: a `*` that ends a segment may also match `:`.
 * Deny is matched with a whole-string glob (a `*` crosses anything), which contains both.
 */
import { globMatch, patternCovers } from './glob.js';
import { globsMayIntersect } from './glob-intersect.js';
import type { PolicyDialect } from './types.js';

export interface ResourceShape {
  readonly prefix: string;
  readonly segmentNames: readonly string[];
}

export const RESOURCE_SHAPES: Record<PolicyDialect, ResourceShape> = {
  aws: { prefix: 'arn', segmentNames: ['prefix', 'partition', 'service', 'region', 'account', 'resource'] },
  volcengine: { prefix: 'trn', segmentNames: ['prefix', 'service', 'region', 'account', 'resource'] },
};

export type Coverage = { covered: true } | { covered: false; reason: string };

/** Splits on the first `count - 1` colons; undefined when there are fewer. */
export function splitSegments(value: string, count: number): string[] | undefined {
  const segments: string[] = [];
  let start = 0;
  for (let segment = 0; segment < count - 1; segment++) {
    const colon = value.indexOf(':', start);
    if (colon === -1) return undefined;
    segments.push(value.slice(start, colon));
    start = colon + 1;
  }
  segments.push(value.slice(start));
  return segments;
}

/** The narrow reading used for Allow: `*` alone matches all, otherwise segment by segment. */
export function resourceMatchesBySegment(pattern: string, resource: string, dialect: PolicyDialect): boolean {
  if (pattern === '*') return true;
  const count = RESOURCE_SHAPES[dialect].segmentNames.length;
  const patternSegments = splitSegments(pattern, count);
  const resourceSegments = splitSegments(resource, count);
  if (patternSegments === undefined || resourceSegments === undefined) return false;
  return patternSegments.every((segment, index) => globMatch(segment, resourceSegments[index] ?? ''));
}

/** The broad reading used for Deny: one glob over the whole string, `*` crossing colons. */
export function resourceMatchesLoosely(pattern: string, resource: string, dialect: PolicyDialect): boolean {
  return globMatch(pattern, resource, { caseInsensitive: dialect === 'volcengine' });
}

/** Could a Deny on `denied` reach some resource of `requested`? True when unsure. */
export function resourcesMayIntersect(requested: string, denied: string): boolean {
  if (requested === '*' || denied === '*') return true;
  // Folding case can only find more overlaps, so it is the safe reading for both dialects:
  // `arn:AWS:S3:::secret/*` must not slip past a Deny on `arn:aws:s3:::secret/*` because some
  // service compares a segment case-insensitively (Volcengine documents neither way).
  return globsMayIntersect(requested, denied, { caseInsensitive: true });
}

/**
 * Is every resource of `request` inside `ceiling`, under both readings? Case-sensitive, so
 * also sound if a provider compared resources case-insensitively.
 */
export function resourceCovers(ceiling: string, request: string, dialect: PolicyDialect): Coverage {
  if (ceiling === '*') return { covered: true };
  if (request === '*')
    return { covered: false, reason: 'resource `*` is covered only by a ceiling resource `*`' };
  const names = RESOURCE_SHAPES[dialect].segmentNames;
  const ceilingSegments = splitSegments(ceiling, names.length);
  if (ceilingSegments === undefined) {
    return {
      covered: false,
      reason: `ceiling resource \`${ceiling}\` has fewer than ${names.length} colon-separated segments; a \`*\` that would span segments is not trusted to cover anything`,
    };
  }
  const requestSegments = splitSegments(request, names.length);
  if (requestSegments === undefined) {
    return {
      covered: false,
      reason: `resource \`${request}\` does not have ${names.length} colon-separated segments`,
    };
  }
  const last = names.length - 1;
  for (let index = 0; index <= last; index++) {
    const wanted = requestSegments[index] ?? '';
    const allowed = ceilingSegments[index] ?? '';
    const name = names[index] ?? `#${index}`;
    if (!patternCovers(allowed, wanted)) {
      return {
        covered: false,
        reason: `its ${name} segment \`${wanted}\` is not inside the ceiling's \`${allowed}\``,
      };
    }
    // Under the expanding reading a trailing `*` may eat colons: only a trailing `*` follows it.
    if (index < last && wanted.endsWith('*') && !allowed.endsWith('*')) {
      return {
        covered: false,
        reason: `its ${name} segment \`${wanted}\` ends with \`*\`, which may match across \`:\`, but the ceiling's \`${allowed}\` does not`,
      };
    }
  }
  return { covered: true };
}
