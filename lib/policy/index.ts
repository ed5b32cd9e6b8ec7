/**
 * Policy engine: parse inline session policies with a restricted grammar, prove a requested
 * policy is contained in a grant's ceiling, and evaluate policies for dry runs.
 *
 * Why our own code, and what "sound" means: see containment.ts.
 */
export { actionCovers, actionMatches, actionsMayIntersect } from './action.js';
export { checkContainment, deepEqual } from './containment.js';
export { evaluate } from './evaluate.js';
export {
  foldAsciiCase,
  type GlobOptions,
  globMatch,
  globsMayIntersect,
  normalizeGlob,
  patternCovers,
} from './glob.js';
export { AWS_MAX_POLICY_SIZE, parsePolicyDocument, parsePolicyText } from './parse.js';
export {
  type Coverage,
  RESOURCE_SHAPES,
  resourceCovers,
  resourceMatchesBySegment,
  resourceMatchesLoosely,
  resourcesMayIntersect,
  splitSegments,
} from './resource.js';
export type * from './types.js';
