/**
 * SigV4 authentication of STS calls, with the error codes real STS answers: a wrong secret
 * is SignatureDoesNotMatch, an unknown key InvalidClientTokenId, an expired session token
 * ExpiredTokenException.
 */
import { type SignedRequest, type SigningIdentity, verifySigV4 } from '../auth/sigv4-verifier.js';
import { expiredToken, invalidClientTokenId, StsError, signatureDoesNotMatch } from './errors.js';
import type { IssuedSession, SessionStore } from './sessions.js';

const MAX_SKEW_MS = 5 * 60 * 1000;

export interface Authenticated {
  identity: SigningIdentity;
  session: IssuedSession | undefined;
}

const amzDate = (date: Date) => date.toISOString().replace(/[-:]|\.\d{3}/g, '');

function skewMessage(request: SignedRequest, now: Date): string {
  const signed = request.headers['x-amz-date'] ?? '';
  const earliest = amzDate(new Date(now.getTime() - MAX_SKEW_MS));
  return signed < earliest
    ? `Signature expired: ${signed} is now earlier than ${earliest} (${amzDate(now)} - 5 min.)`
    : `Signature not yet current: ${signed} is still later than ${amzDate(new Date(now.getTime() + MAX_SKEW_MS))} (${amzDate(now)} + 5 min.)`;
}

export async function authenticate(
  request: SignedRequest,
  context: {
    identities: ReadonlyMap<string, SigningIdentity>;
    sessions: SessionStore;
    region: string | undefined;
    now: Date;
  },
): Promise<Authenticated> {
  const result = await verifySigV4(request, {
    service: 'sts',
    ...(context.region === undefined ? {} : { region: context.region }),
    lookup: (accessKeyId) => context.identities.get(accessKeyId) ?? context.sessions.find(accessKeyId),
    now: context.now,
    maxSkewMs: MAX_SKEW_MS,
  });
  if (!result.ok) {
    switch (result.code) {
      case 'missing':
        throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
      case 'malformed':
        throw new StsError(
          400,
          'IncompleteSignature',
          `The request signature is malformed: ${result.reason}.`,
        );
      case 'unknown_key':
      case 'token_mismatch':
        throw invalidClientTokenId();
      case 'expired':
        throw signatureDoesNotMatch(skewMessage(request, context.now));
      case 'scope_mismatch':
        throw signatureDoesNotMatch(`Credential should be scoped correctly: ${result.reason}.`);
      case 'signature_mismatch':
      case 'body_mismatch':
        throw signatureDoesNotMatch();
    }
  }
  const session = context.sessions.find(result.identity.accessKeyId);
  // Checked after the signature, so only the holder of the secret learns the key expired.
  if (session !== undefined && context.now.getTime() >= session.expiration.getTime()) throw expiredToken();
  return { identity: result.identity, session };
}
