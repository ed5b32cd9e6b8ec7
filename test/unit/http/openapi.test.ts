import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROUTE_CONTRACTS } from '../../../lib/contracts/index.js';
import { COMMON_PROBLEMS } from '../../../lib/contracts/problem.js';
import { ERROR_CATALOGUE } from '../../../lib/errors.js';
import { servedOpenApiDocument } from '../../support/openapi.js';

const document = await servedOpenApiDocument('1.2.3');
type Json = Record<string, unknown>;
const operationOf = (path: string, method: string) =>
  ((document.paths[path] ?? {}) as Json)[method] as Json | undefined;

/** Every sub-schema of a JSON value, walked without sharing code with the generator. */
function* schemasIn(value: unknown): Generator<Json> {
  if (Array.isArray(value)) for (const item of value) yield* schemasIn(item);
  else if (typeof value === 'object' && value !== null) {
    yield value as Json;
    for (const child of Object.values(value)) yield* schemasIn(child);
  }
}

/**
 * The OpenAPI 3.1 meta-schema leaves Schema Objects to their dialect (JSON Schema
 * 2020-12): each embedded schema is checked against that dialect too, and compiled.
 */
async function problemsOf(openApi: unknown): Promise<unknown[]> {
  const result = await new Validator().validate(structuredClone(openApi) as Record<string, unknown>);
  const problems: unknown[] = result.valid ? [] : [result.errors];
  const ajv = new Ajv2020({ strict: false });
  const paths = (openApi as { paths: Record<string, Record<string, Json>> }).paths;
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const bodies = [op.requestBody, ...Object.values((op.responses ?? {}) as Json)] as (Json | undefined)[];
      const schemas = [
        ...((op.parameters ?? []) as Json[]).map((parameter) => parameter.schema),
        ...bodies
          .flatMap((body) => Object.values((body?.content ?? {}) as Record<string, Json>))
          .map((c) => c.schema),
      ];
      for (const schema of schemas) {
        if (!ajv.validateSchema(schema as object)) problems.push({ path, method, errors: ajv.errors });
        else ajv.compile(schema as object);
      }
    }
  }
  return problems;
}

describe('the generated OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (a real validator, schemas included)', async () => {
    // Act
    const problems = await problemsOf(document);
    // Assess
    assert.deepEqual(problems, []);
  });

  it('fails validation of a broken parameter or a broken schema (the validator can fail)', async () => {
    // Prepare
    const badParameter = structuredClone(document) as Json;
    const parameters = (badParameter.paths as Record<string, Record<string, Json>>)['/v1/issuances/{id}']?.get
      ?.parameters as Json[];
    parameters[0] = { ...parameters[0], in: 'body' };
    const badSchema = structuredClone(document) as Json;
    const post = (badSchema.paths as Record<string, Record<string, Json>>)['/v1/credentials']?.post as Json;
    const body = (post.requestBody as Json).content as Record<string, Json>;
    const schema = body['application/json']?.schema as Json;
    (schema.properties as Record<string, Json>).durationSeconds = {
      type: 'integer',
      minimum: 'nine hundred',
    };
    // Act
    const problems = [await problemsOf(badParameter), await problemsOf(badSchema)];
    // Assess
    assert.deepEqual(
      problems.map((found) => found.length > 0),
      [true, true],
    );
  });

  it('lists every route under its IAM path and its /v1/oidc/ twin, each with its own security', () => {
    for (const contract of ROUTE_CONTRACTS) {
      const method = contract.method.toLowerCase();
      const iam = operationOf(contract.path, method);
      const oidc = operationOf(contract.path.replace('/v1/', '/v1/oidc/'), method);
      assert.ok(iam, `${contract.method} ${contract.path}`);
      assert.ok(oidc, `${contract.method} oidc twin of ${contract.path}`);
      assert.deepEqual(iam.security, [{ sigv4: [] }]);
      assert.deepEqual(oidc.security, [{ oidc: [] }]);
    }
    assert.equal(Object.keys(document.paths).length, ROUTE_CONTRACTS.length * 2);
  });

  it('declares the {id} path parameter of both issuance routes', () => {
    for (const path of ['/v1/issuances/{id}', '/v1/oidc/issuances/{id}']) {
      const parameters = (operationOf(path, 'get')?.parameters ?? []) as Json[];
      const id = parameters.find((p) => p.name === 'id');
      assert.equal(id?.in, 'path', path);
      assert.equal(id?.required, true, path);
    }
  });

  it('documents the dry-run 200 and the issued 201 with schemas', () => {
    const responses = operationOf('/v1/credentials', 'post')?.responses as Record<string, Json>;
    for (const status of ['200', '201']) {
      const content = responses[status]?.content as Record<string, Json> | undefined;
      const schema = content?.['application/json']?.schema as Json | undefined;
      assert.equal(schema?.type, 'object', status);
    }
    const dryRun = ((responses['200']?.content ?? {}) as Record<string, Json>)['application/json']
      ?.schema as Json;
    assert.ok((dryRun.required as string[]).includes('durationRange'));
  });

  it('bounds every integer (no ±2^53 ranges)', () => {
    const integers = [...schemasIn(document)].filter((schema) => schema.type === 'integer');
    assert.ok(integers.length > 10);
    for (const schema of integers) {
      assert.equal(typeof schema.minimum, 'number', JSON.stringify(schema));
      assert.equal(typeof schema.maximum, 'number', JSON.stringify(schema));
      assert.ok((schema.maximum as number) < 2 ** 31, JSON.stringify(schema));
      assert.ok((schema.minimum as number) >= 0, JSON.stringify(schema));
    }
  });

  it('gives durationSeconds of the request the provider bounds', () => {
    const body = operationOf('/v1/credentials', 'post')?.requestBody as Json;
    const schema = ((body.content as Record<string, Json>)['application/json']?.schema ?? {}) as Json;
    const duration = (schema.properties as Record<string, Json>).durationSeconds;
    assert.deepEqual([duration?.minimum, duration?.maximum], [900, 43_200]);
  });

  it('enumerates the problem codes a route can answer', () => {
    const responses = operationOf('/v1/credentials', 'post')?.responses as Record<string, Json>;
    const problem = ((responses['400']?.content ?? {}) as Record<string, Json>)['application/problem+json']
      ?.schema as Json;
    const code = (problem.properties as Record<string, Json>).code ?? {};
    assert.ok((code.enum as string[]).includes('duration_out_of_range'));
    assert.ok(responses['429'], 'rate_limited');
    assert.ok(((responses['503']?.headers ?? {}) as Json)['Retry-After']);
  });

  it("documents a caller's own grants on both twins: the ceiling, never an external id or the callers", () => {
    for (const path of ['/v1/grants/mine', '/v1/oidc/grants/mine']) {
      const responses = (operationOf(path, 'get')?.responses ?? {}) as Record<string, Json>;
      const list = ((responses['200']?.content ?? {}) as Record<string, Json>)['application/json']
        ?.schema as Json;
      const grant = ((list.properties as Record<string, Json>).grants?.items ?? {}) as Json;
      const fields = Object.keys((grant.properties ?? {}) as Json);
      assert.ok(fields.includes('ceilingPolicy') && fields.includes('maxDurationSeconds'), path);
      assert.deepEqual(
        fields.filter((field) => ['externalId', 'callers', 'lastCheck'].includes(field)),
        [],
        path,
      );
      assert.ok(responses['429'] && responses['503'], path);
      assert.equal(responses['403'], undefined, `${path}: no grant is not a refusal`);
    }
  });

  it('lists each problem code under the status the error catalogue gives it', () => {
    for (const contract of ROUTE_CONTRACTS) {
      for (const [status, codes] of Object.entries({ ...COMMON_PROBLEMS, ...contract.problems })) {
        for (const code of codes ?? []) {
          assert.equal(String(ERROR_CATALOGUE[code].status), status, `${contract.operationId}: ${code}`);
        }
      }
    }
  });
});
