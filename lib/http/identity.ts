/**
 * The caller is who the API Gateway authorizer says, read from requestContext only
 * (invariant 1): headers, query strings and body fields never name the caller.
 */
import * as z from 'zod';
import { unauthenticated } from '../errors.js';
import { awsCaller, type Caller, oidcCaller } from '../grants/caller.js';

const iamAuthorizer = z.object({ iam: z.object({ userArn: z.string().min(1) }) });
const jwtAuthorizer = z.object({
  jwt: z.object({ claims: z.object({ iss: z.string().min(1), sub: z.string().min(1) }) }),
});

export function callerFromRequestContext(requestContext: { authorizer?: unknown } | undefined): Caller {
  const authorizer = requestContext?.authorizer;
  const iam = iamAuthorizer.safeParse(authorizer);
  if (iam.success) {
    const caller = awsCaller(iam.data.iam.userArn);
    if (!caller) throw unauthenticated('authorizer principal is not a role, user or assumed-role ARN');
    return caller;
  }
  const jwt = jwtAuthorizer.safeParse(authorizer);
  if (jwt.success) return oidcCaller(jwt.data.jwt.claims.iss, jwt.data.jwt.claims.sub);
  throw unauthenticated('no authorizer identity in requestContext');
}
