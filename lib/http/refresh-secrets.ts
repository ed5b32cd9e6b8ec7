/**
 * Before each request, refreshes secrets read at cold start, through the secret store's
 * cache: a rotated value is used within the cache's max age, without a redeploy. A store
 * that cannot be read is a dependency outage (503), never a stale-key guess.
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
