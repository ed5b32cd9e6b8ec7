/**
 * Local-stage authentication (dev and tests only, never bundled into a deployed stage).
 * serverless-offline neither emulates AWS_IAM auth nor verifies JWT signatures, so the
 * local stage verifies what API Gateway would, route by route exactly as deployed: the
 * IAM routes take SigV4 only (service execute-api in the broker's region, body included,
 * 5-minute window) against the dev identities; the `/v1/oidc/…` twins take a bearer JWT
 * only (issuer, audience, expiry, not-before, signature; ES256 only, so `none` and HS/RS
 * confusion are refused) against the local issuer's JWKS. Refusal reasons are stable codes
 * (jose's `code`, not an error class name that minification renames).
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { unauthenticated } from '../../lib/errors.js';
import { awsCaller, type Caller, oidcCaller } from '../../lib/grants/caller.js';
import { rawBody } from '../../lib/http/body.js';
import type { Authenticate, HttpEvent } from '../../lib/http/handler.js';
import { type SigningIdentity, verifySigV4 } from './sigv4-verifier.js';

export interface LocalAuthOptions {
  identities: SigningIdentity[];
  /**
   * Host headers this API answers to. The signature covers the Host header, so checking it
   * refuses a request signed for another API and replayed here.
   */
  allowedHosts: string[];
  jwt?: { jwks: JSONWebKeySet; issuer: string; audience: string };
  /** The broker's region: a SigV4 credential scope naming another region is refused, as API Gateway does. */
  region: string;
  now?: () => Date;
}

/** Deployed, the `/v1/oidc/…` routes carry the JWT authorizer and every other route AWS_IAM. */
export const OIDC_ROUTE_PREFIX = '/v1/oidc/';
const usesJwt = (event: HttpEvent) => (event.rawPath ?? '').startsWith(OIDC_ROUTE_PREFIX);

export const JWT_ALGORITHMS = ['ES256'];

export function makeLocalAuthenticate(options: LocalAuthOptions): Authenticate {
  const byKey = new Map(options.identities.map((identity) => [identity.accessKeyId, identity]));
  const keySet = options.jwt ? createLocalJWKSet(options.jwt.jwks) : undefined;
  const now = options.now ?? (() => new Date());

  return async (event: HttpEvent): Promise<Caller> => {
    const headers = lowerCaseHeaders(event.headers);
    if (!options.allowedHosts.includes(headers.host ?? ''))
      throw unauthenticated('request addressed to another host');
    const authorization = headers.authorization ?? '';
    const bearer = authorization.startsWith('Bearer ');
    if (usesJwt(event)) {
      if (!bearer) throw unauthenticated('jwt: missing bearer token on a JWT route');
      if (!keySet || !options.jwt) throw unauthenticated('jwt: no local issuer configured');
      try {
        const { payload } = await jwtVerify(authorization.slice('Bearer '.length), keySet, {
          issuer: options.jwt.issuer,
          audience: options.jwt.audience,
          algorithms: JWT_ALGORITHMS,
          currentDate: now(),
          requiredClaims: ['sub', 'exp'],
        });
        return oidcCaller(options.jwt.issuer, String(payload.sub));
      } catch (error) {
        throw unauthenticated(`jwt: ${joseCode(error)}`);
      }
    }
    if (bearer) throw unauthenticated('sigv4: bearer token on a SigV4 route');
    const verdict = await verifySigV4(
      {
        method: event.requestContext?.http?.method ?? 'GET',
        path: event.rawPath,
        query: event.rawQueryString ?? '',
        headers,
        body: rawBody(event),
      },
      {
        service: 'execute-api',
        region: options.region,
        lookup: (accessKeyId) => byKey.get(accessKeyId),
        now: now(),
      },
    );
    if (!verdict.ok) throw unauthenticated(`sigv4 ${verdict.code}: ${verdict.reason}`);
    const caller = awsCaller(verdict.identity.principalArn);
    if (!caller) throw unauthenticated('dev identity is not a role, user or assumed-role ARN');
    return caller;
  };
}

/** jose's error codes (e.g. ERR_JWT_EXPIRED) are string constants: they survive bundling. */
function joseCode(error: unknown): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'ERR_JWT_INVALID';
}

function lowerCaseHeaders(headers: HttpEvent['headers']): Record<string, string | undefined> {
  const lowered: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) lowered[name.toLowerCase()] = value;
  return lowered;
}

/** The local issuer's public keys, written by the local stack at start (never a real issuer). */
export function readLocalJwks(file: string): JSONWebKeySet {
  return JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet;
}
