/**
 * The OpenAPI 3.1 document, generated from the route contracts the handlers validate
 * with, so the published API cannot drift from the code (no hand-written duplicate).
 * Every route appears twice: the IAM path (SigV4) and its /v1/oidc/ twin (bearer JWT).
 */
import * as z from 'zod';
import { COMMON_PROBLEMS, type ProblemStatus, problemBodyWithCodes } from '../contracts/problem.js';
import type { RouteContract } from '../contracts/route.js';
import type { JsonSchema, OpenApiRoute, WireSchemas } from './openapi-document.js';

const PROBLEM_TITLES: Record<ProblemStatus, string> = {
  400: 'Invalid request (field paths in `errors`)',
  401: 'Not authenticated',
  403: 'Not allowed (a generic message)',
  404: 'Not found',
  413: 'Body too large',
  429: 'Over the rate limit: wait Retry-After seconds',
  500: 'Internal error (details in the log only)',
  503: 'A dependency failed: retry after Retry-After seconds',
};

/** Seconds a client should wait; the broker never asks for more than an hour. */
const RETRY_AFTER = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'integer', minimum: 0, maximum: 3600 },
};

/** JSON Schema 2020-12 (the dialect of OpenAPI 3.1) of one zod schema, as its side of the wire sees it. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
}

function parameters(contract: RouteContract) {
  const list: JsonSchema[] = [];
  for (const [location, shape] of [
    ['path', contract.request.path?.shape],
    ['query', contract.request.query?.shape],
  ] as const) {
    for (const [name, field] of Object.entries(shape ?? {})) {
      const schema = field as z.ZodType;
      const { description, ...fieldSchema } = jsonSchema(schema, 'input');
      list.push({
        name,
        in: location,
        required: location === 'path' || !schema.safeParse(undefined).success,
        ...(description === undefined ? {} : { description }),
        schema: fieldSchema,
      });
    }
  }
  return list;
}

/** Problem bodies by their list of codes: most routes share most of them (401, 413, 500). */
type ProblemSchemas = (codes: readonly [string, ...string[]]) => JsonSchema;

function responses(contract: RouteContract, problemSchema: ProblemSchemas) {
  const answers: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(contract.responses)) {
    if (!answer) continue;
    answers[status] = {
      description: answer.description,
      content: { 'application/json': { schema: jsonSchema(answer.schema, 'output') } },
    };
  }
  const problems: Partial<Record<ProblemStatus, readonly [string, ...string[]]>> = {
    ...COMMON_PROBLEMS,
    ...contract.problems,
  };
  for (const [status, codes] of Object.entries(problems)) {
    if (!codes) continue;
    const problemStatus = Number(status) as ProblemStatus;
    answers[status] = {
      description: `${PROBLEM_TITLES[problemStatus]}. Codes: ${codes.join(', ')}`,
      ...(problemStatus === 429 || problemStatus === 503 ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
      content: { 'application/problem+json': { schema: problemSchema(codes) } },
    };
  }
  return answers;
}

/** The parts both twins of a route share, converted to JSON Schema once (the conversion is the costly part). */
function wireSchemas(contract: RouteContract, problemSchema: ProblemSchemas): WireSchemas {
  const params = parameters(contract);
  return {
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(contract.request.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(contract.request.body, 'input') } },
          },
        }
      : {}),
    responses: responses(contract, problemSchema),
  };
}

/** Every route of `contracts` as plain JSON data, its schemas converted: the costly part of the document. */
export function openApiRoutes(contracts: readonly RouteContract[]): OpenApiRoute[] {
  const problemSchemas = new Map<string, JsonSchema>();
  const problemSchema: ProblemSchemas = (codes) => {
    const key = codes.join(',');
    let schema = problemSchemas.get(key);
    if (schema === undefined) {
      schema = jsonSchema(problemBodyWithCodes(codes), 'output');
      problemSchemas.set(key, schema);
    }
    return schema;
  };
  return contracts.map((contract) => ({
    method: contract.method,
    path: contract.path,
    operationId: contract.operationId,
    summary: contract.summary,
    ...(contract.description === undefined ? {} : { description: contract.description }),
    schemas: wireSchemas(contract, problemSchema),
  }));
}
