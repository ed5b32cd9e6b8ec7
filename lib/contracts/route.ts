/**
 * A route contract: method, path, request schemas, every success answer and the problem
 * codes per status. The handlers validate with it, the OpenAPI document is generated from
 * it, and the SDK client and the CLI parse answers with it.
 */
import type * as z from 'zod';
import type { ErrorCode } from '../errors.js';
import type { ProblemStatus } from './problem.js';

export interface SuccessAnswer {
  description: string;
  schema: z.ZodType;
}

export interface RouteContract {
  /** Stable operation id (the OIDC twin's is this with an `Oidc` suffix). */
  operationId: string;
  method: 'GET' | 'POST';
  /** The IAM (SigV4) path; every route has a bearer-JWT twin under /v1/oidc/. */
  path: `/v1/${string}`;
  summary: string;
  description?: string;
  request: {
    body?: z.ZodType;
    query?: z.ZodObject;
    /** Path parameters, e.g. `{id}`. */
    path?: z.ZodObject;
  };
  /** Success statuses and their bodies: a client accepts exactly these. */
  responses: Readonly<Partial<Record<200 | 201, SuccessAnswer>>>;
  /** Problem codes per status, beyond COMMON_PROBLEMS. */
  problems: Readonly<Partial<Record<ProblemStatus, readonly [ErrorCode, ...ErrorCode[]]>>>;
}

/** Keeps the literal types of a contract while checking its shape. */
export const defineRoute = <const C extends RouteContract>(contract: C): C => contract;

/** The JWT twin of an IAM path: /v1/credentials → /v1/oidc/credentials. */
export const oidcPath = (path: string): string => path.replace(/^\/v1\//, '/v1/oidc/');
