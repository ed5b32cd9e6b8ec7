/**
 * Wraps a deployed route with local-stage authentication. Refuses to load outside the
 * local stack, so a misrouted handler path can never accept dev identities in an account.
 */
import { type HttpHandlerOptions, httpHandler, type Route } from '../../lib/http/handler.js';
import { makeLocalAuthenticate, readLocalJwks } from '../auth/local-authenticate.js';
import { loadDevIdentities } from '../dev-identities.js';
import { assertLocalStack } from './local-stack.js';

export function localHandler<B, Q>(route: Route<B, Q>, options: HttpHandlerOptions, stage: string) {
  assertLocalStack(stage, process.env);
  const jwksFile = process.env.BROKER_LOCAL_JWKS_FILE;
  const port = process.env.BROKER_PORT ?? '3000';
  const authenticate = makeLocalAuthenticate({
    allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`],
    region: process.env.AWS_REGION ?? 'us-east-1',
    identities: loadDevIdentities(process.env.BROKER_DEV_IDENTITIES_FILE ?? 'local/dev-identities.json'),
    jwt: jwksFile
      ? {
          jwks: readLocalJwks(jwksFile),
          issuer: process.env.BROKER_LOCAL_JWT_ISSUER ?? 'http://127.0.0.1/local-issuer',
          audience: process.env.BROKER_LOCAL_JWT_AUDIENCE ?? 'credential-broker',
        }
      : undefined,
  });
  return httpHandler(route, { ...options, authenticate });
}
