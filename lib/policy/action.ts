/**
 * Actions (`service:Name` or `*`). AWS compares them case-insensitively and as one glob over
 * the whole string; the grammar allows exactly one colon in a pattern and concrete actions
 * have exactly one, so a `*` can never absorb the colon and the service and name parts are
 * compared in place.
 */
import { globMatch, patternCovers } from './glob.js';
import { globsMayIntersect } from './glob-intersect.js';
import type { Coverage } from './resource.js';
import type { PolicyDialect } from './types.js';

/**
 * AWS documents case-insensitive actions. Volcengine does not say: a case-sensitive check
 * is sound under both readings (a token-by-token match survives case folding), so use it.
 */
export function actionCovers(ceiling: string, request: string, dialect: PolicyDialect): Coverage {
  if (patternCovers(ceiling, request, { caseInsensitive: dialect === 'aws' })) return { covered: true };
  const caseOnly = dialect === 'volcengine' && patternCovers(ceiling, request, { caseInsensitive: true });
  return {
    covered: false,
    reason: caseOnly
      ? `action \`${request}\` differs from the ceiling's \`${ceiling}\` in case, and Volcengine does not document case-insensitive actions`
      : `action \`${request}\` is not inside the ceiling's \`${ceiling}\``,
  };
}

export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, { caseInsensitive: true });
}

/** Could a Deny on `denied` reach some action of `requested`? True when unsure. */
export function actionsMayIntersect(requested: string, denied: string): boolean {
  return globsMayIntersect(requested, denied, { caseInsensitive: true });
}
