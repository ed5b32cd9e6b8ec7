/**
 * Policy engine: parse inline session policies with a restricted grammar and prove a requested
 * policy is contained in a grant's ceiling.
 *
 * Our own code because no published library is both usable and sound here (the IAM
 * simulators on npm are AGPL or unsound on wildcards). Sound means: "contained" is only
 * ever said of a request that grants nothing the ceiling does not; a contained request may
 * still be rejected, with the reason. Details in containment.ts and resource.ts.
 */
export { actionCovers, actionMatches, actionsMayIntersect } from './action.js';
export { type ContainmentOptions, checkContainment, deepEqual } from './containment.js';
export {
  foldAsciiCase,
  type GlobOptions,
  globMatch,
  normalizeGlob,
  patternCovers,
} from './glob.js';
export { globsMayIntersect } from './glob-intersect.js';
export { AWS_MAX_POLICY_SIZE, POLICY_LIMITS, parsePolicyDocument, parsePolicyText } from './parse.js';
export {
  type Coverage,
  RESOURCE_SHAPES,
  resourceCovers,
  resourceMatchesBySegment,
  resourceMatchesLoosely,
  resourcesMayIntersect,
  splitSegments,
} from './resource.js';
export { withCeilingDenies } from './session-document.js';
export type * from './types.js';
