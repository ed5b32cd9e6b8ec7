/**
 * Session duration bounds (invariant 6). The broker never clamps: a request outside
 * the range is refused with the range and the bound that set it, because a silently
 * shorter session breaks a rotation job later, and a silently longer one widens exposure.
 */
import type { Grant } from '../config/grants-schema.js';
import {
  DEFAULT_DURATION_SECONDS,
  type DURATION_BOUNDS,
  PROVIDER_DURATION_LIMITS,
  ROLE_CHAINING_MAX_SECONDS,
} from '../contracts/limits.js';
import { durationOutOfRange } from '../errors.js';

export type DurationBound = (typeof DURATION_BOUNDS)[number];

export interface DurationRange {
  min: number;
  max: number;
  /** Which limit set `max`: shown in the 400 and in dry runs. */
  maxSetBy: DurationBound;
}

export function durationRange(grant: Grant, options: { roleChaining: boolean }): DurationRange {
  const limits = PROVIDER_DURATION_LIMITS[grant.provider];
  const bounds: [DurationBound, number][] = [['provider_maximum', limits.max]];
  if (grant.maxDurationSeconds !== undefined) bounds.push(['grant_maximum', grant.maxDurationSeconds]);
  if (grant.provider === 'aws') {
    bounds.push(['role_maximum', grant.roleMaxSessionDurationSeconds]);
    if (options.roleChaining) bounds.push(['role_chaining', ROLE_CHAINING_MAX_SECONDS]);
  }
  const [maxSetBy, max] = bounds.reduce((lowest, bound) => (bound[1] < lowest[1] ? bound : lowest));
  return { min: limits.min, max, maxSetBy };
}

/**
 * What a request without durationSeconds gets: the grant's default, lowered to the range's
 * maximum: a default of 7200 s on a chained role (capped at 3600 s) gives 3600 s, not a 400.
 */
export const defaultDuration = (grant: Grant, range: DurationRange): number =>
  Math.min(grant.defaultDurationSeconds ?? DEFAULT_DURATION_SECONDS, range.max);

export function boundDuration(
  requested: number | undefined,
  grant: Grant,
  options: { roleChaining: boolean },
): { durationSeconds: number; range: DurationRange } {
  const range = durationRange(grant, options);
  const durationSeconds = requested ?? defaultDuration(grant, range);
  if (!Number.isSafeInteger(durationSeconds) || durationSeconds < range.min || durationSeconds > range.max) {
    throw durationOutOfRange(range, `for this grant (maximum set by ${range.maxSetBy.replace('_', ' ')})`);
  }
  return { durationSeconds, range };
}
