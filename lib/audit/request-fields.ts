import { type Caller, callerPrincipal } from '../grants/caller.js';
import type { RequestFacts } from '../http/request-facts.js';

/** Who asked and from where: the fields every record of one request carries. */
export function requestRecordFields(caller: Caller, facts: RequestFacts) {
  return {
    callerKey: caller.key,
    callerPrincipal: callerPrincipal(caller),
    callerKind: caller.kind,
    requestId: facts.requestId,
    sourceIp: facts.sourceIp,
    userAgent: facts.userAgent?.slice(0, 256),
  };
}
