/**
 * Local-stage authentication for the deployed compositions. Refuses to load outside the
 * local stack, so a misrouted handler path can never accept dev identities in an account.
 */
import { type HttpHandlerOptions, httpHandler, type Route } from '../../lib/http/handler.js';
import { makeLocalAuthenticate, readLocalJwks } from '../auth/local-authenticate.js';
import { loadDevIdentities } from '../dev-identities.js';
import { assertLocalStack } from './local-stack.js';

/** The deployed HTTP options with our own SigV4/JWT verification in place of the authorizer's. */
export function withLocalAuthentication(options: HttpHandlerOptions, stage: string): HttpHandlerOptions {
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
  return { ...options, authenticate };
}

/** A deployed route behind local authentication (for functions that export their route). */
export const localHandler = <B, Q>(route: Route<B, Q>, options: HttpHandlerOptions, stage: string) =>
  httpHandler(route, withLocalAuthentication(options, stage));
