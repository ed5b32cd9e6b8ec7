/**
 * The parts of a grant every answer about it shows the same way, whoever asks: the
 * auditors' GET /v1/grants and a caller's GET /v1/grants/mine.
 */
import { type Grant, grantRole } from '../config/grants-schema.js';

/** What names a grant: its id, description (if any), provider and role ARN or TRN. */
export function grantIdentity(grant: Grant) {
  return {
    id: grant.id,
    ...(grant.description ? { description: grant.description } : {}),
    provider: grant.provider,
    role: grantRole(grant),
  };
}

/** The keys of the grant's session tags; the values stay in the configuration. */
export const sessionTagKeys = (grant: Grant): string[] =>
  grant.provider === 'aws' ? Object.keys(grant.sessionTags ?? {}) : [];
