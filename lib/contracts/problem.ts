/**
 * The error answer of every route: application/problem+json (RFC 9457) with the broker's
 * stable `code`. Each route contract lists the codes it can answer per status; the
 * OpenAPI document enumerates them, and clients branch on `code`, never on text.
 */
import * as z from 'zod';
import type { ErrorCode } from '../errors.js';

export const fieldIssue = z.object({ path: z.string(), message: z.string() });

export const PROBLEM_STATUSES = [400, 401, 403, 404, 413, 429, 500, 503] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

export const problemBody = z.object({
  type: z.string().describe('URI naming the problem kind: the base URI followed by `code`'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  code: z.string().describe('Stable error code: branch on this, never on the text'),
  requestId: z.string().describe('Quote it to an operator: it finds the log lines and the audit record'),
  errors: z.array(fieldIssue).optional().describe('Field-level problems of invalid input (400 only)'),
});

export type ProblemBody = z.infer<typeof problemBody>;

/** The problem body of one status of one route: `code` is one of the codes listed. */
export const problemBodyWithCodes = (codes: readonly [string, ...string[]]) =>
  problemBody.extend({ code: z.enum(codes) });

/** What every route can answer, whatever it does: the chain in front of each route. */
export const COMMON_PROBLEMS = {
  401: ['unauthenticated'],
  413: ['payload_too_large'],
  500: ['internal_error'],
} as const satisfies Partial<Record<ProblemStatus, readonly ErrorCode[]>>;
