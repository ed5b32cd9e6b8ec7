/**
 * OpenAPI 3.1 document generated from the zod schemas the handlers validate with, so
 * the published contract cannot drift from the code (no hand-written duplicate).
 */
import * as z from 'zod';

export interface OpenApiOperation {
  method: 'get' | 'post';
  path: string;
  summary: string;
  description?: string;
  requestBody?: z.ZodType;
  query?: z.ZodObject;
  responses: Record<string, { description: string; schema?: z.ZodType }>;
}

const problem = {
  description: 'Problem details (RFC 9457)',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          code: { type: 'string' },
          requestId: { type: 'string' },
          errors: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  },
};

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

export function buildOpenApi(info: { version: string }, operations: OpenApiOperation[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      responses[status] = response.schema
        ? {
            description: response.description,
            content: { 'application/json': { schema: jsonSchema(response.schema) } },
          }
        : { description: response.description };
    }
    for (const status of ['400', '401', '403', '413', '429', '503']) responses[status] ??= problem;
    const parameters = op.query
      ? Object.entries(op.query.shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema: jsonSchema(schema as z.ZodType),
        }))
      : undefined;
    paths[op.path] = {
      ...paths[op.path],
      [op.method]: {
        summary: op.summary,
        description: op.description,
        security: [{ sigv4: [] }, { oidc: [] }],
        ...(parameters ? { parameters } : {}),
        ...(op.requestBody
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: jsonSchema(op.requestBody) } },
              },
            }
          : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Credential broker', version: info.version },
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS SigV4, service execute-api',
        },
        oidc: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'On the /v1/oidc/ routes' },
      },
    },
    paths,
  };
}
