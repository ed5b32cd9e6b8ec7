/** GET /v1/openapi.json: the OpenAPI 3.1 document generated from these contracts. */
import * as z from 'zod';
import { defineRoute } from './route.js';

export const openApiDocument = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export const openApiContract = defineRoute({
  operationId: 'openApi',
  method: 'GET',
  path: '/v1/openapi.json',
  summary: 'This document',
  request: {},
  responses: { 200: { description: 'OpenAPI 3.1', schema: openApiDocument } },
  problems: {},
});
