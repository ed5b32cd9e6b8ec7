/**
 * Allow-list matching: a role is minted only when a grant names both this caller and
 * this role (invariant 4). Lookups are by precomputed keys, so matching cost does not
 * grow with the number of callers in a grant.
 */
import { type Grant, type GrantsFile, grantRole } from '../config/grants-schema.js';
import { type Caller, callerRefKey } from './caller.js';

export type GrantSelector = { grant: string } | { roleArn: string };

export type Authorization =
  | { allowed: true; grant: Grant }
  | { allowed: false; reason: 'caller_denied' | 'no_matching_grant' | 'grant_disabled' | 'ambiguous_role' };

export interface AllowList {
  authorize(caller: Caller, selector: GrantSelector): Authorization;
  isAuditor(caller: Caller): boolean;
  /**
   * The grants this caller may use: exactly those `authorize` allows by grant id (enabled,
   * naming the caller; none for a caller on the kill switch).
   */
  grantsOf(caller: Caller): readonly Grant[];
  grants(): readonly Grant[];
}

export function makeAllowList(file: GrantsFile): AllowList {
  const callersOf = new Map(file.grants.map((g) => [g.id, new Set(g.callers.map(callerRefKey))]));
  const auditors = new Set(file.auditors.map(callerRefKey));
  const denied = new Set(file.deniedCallers.map((ref) => killSwitchKey(callerRefKey(ref))));
  const isDenied = (caller: Caller) => denied.has(killSwitchKey(caller.key));

  const byId = groupBy(file.grants, (g) => g.id);
  const byRole = groupBy(file.grants, grantRole);
  const candidates = (selector: GrantSelector) =>
    ('grant' in selector ? byId.get(selector.grant) : byRole.get(selector.roleArn)) ?? [];

  return {
    authorize(caller, selector) {
      if (isDenied(caller)) return { allowed: false, reason: 'caller_denied' };
      const named = candidates(selector).filter((g) => callersOf.get(g.id)?.has(caller.key));
      const enabled = named.filter((g) => !g.disabled);
      if (enabled.length === 0) {
        return { allowed: false, reason: named.length > 0 ? 'grant_disabled' : 'no_matching_grant' };
      }
      // Two enabled grants for the same caller and role could carry different ceilings:
      // refuse to guess which one applies; the caller must name the grant.
      if (enabled.length > 1) return { allowed: false, reason: 'ambiguous_role' };
      const [grant] = enabled;
      return grant ? { allowed: true, grant } : { allowed: false, reason: 'no_matching_grant' };
    },
    isAuditor: (caller) => !isDenied(caller) && auditors.has(caller.key),
    grantsOf: (caller) =>
      isDenied(caller) ? [] : file.grants.filter((g) => !g.disabled && callersOf.get(g.id)?.has(caller.key)),
    grants: () => file.grants,
  };
}

/** The grants under each key, in file order (a selector names an id or a role, never both). */
function groupBy(grants: readonly Grant[], keyOf: (grant: Grant) => string): Map<string, Grant[]> {
  const groups = new Map<string, Grant[]>();
  for (const grant of grants) {
    const key = keyOf(grant);
    const group = groups.get(key);
    if (group) group.push(grant);
    else groups.set(key, [grant]);
  }
  return groups;
}

/**
 * IAM role and user names are unique per account regardless of case, so `Mallory` and
 * `mallory` name one principal: the kill switch folds AWS keys, or a typo in case would
 * silently leave the caller in. OIDC subjects are case-sensitive strings and stay as they are.
 */
function killSwitchKey(key: string): string {
  return key.startsWith('aws:') ? key.toLowerCase() : key;
}
