/**
 * Before each request, reads the secrets the function holds, through the secret store's
 * cache: the first request reads them (nothing is read at cold start), and a rotated value
 * is used within the cache's max age, without a redeploy. A secret that cannot be read, or
 * is missing or invalid, refuses the request with 503, never a stale-key guess.
 */
import type { CurrentSecret } from '../config/secrets.js';
import { dependencyUnavailable } from '../errors.js';
import type { HttpMiddleware } from './handler.js';

export function refreshSecrets(...secrets: CurrentSecret[]): HttpMiddleware {
  return {
    before: async () => {
      try {
        await Promise.all(secrets.map((secret) => secret.refresh()));
      } catch (error) {
        throw dependencyUnavailable(
          'ssm',
          error instanceof Error ? error.message : 'secret store failed',
          error,
        );
      }
    },
  };
}
