/**
 * Request body decoding: size limit before any parsing (invariant 14), strict JSON
 * (duplicate keys and prototype keys refused, depth and array length bounded), then the
 * route's zod schema, which rejects unknown fields.
 */
import type * as z from 'zod';
import { invalidRequest, payloadTooLarge } from '../errors.js';
import { parseStrictJson } from '../json/strict-json.js';

export function rawBody(event: { body?: string | null; isBase64Encoded?: boolean }): string {
  // serverless-offline sends null for an empty body where API Gateway omits the field.
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function assertBodySize(
  event: { body?: string | null; isBase64Encoded?: boolean },
  maxBytes: number,
): void {
  const body = event.body ?? '';
  // Base64 inflates by 4/3: compare the decoded size without decoding a hostile payload.
  const bytes = event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
  if (bytes > maxBytes) throw payloadTooLarge(maxBytes);
}

export function parseBody<T>(text: string, schema: z.ZodType<T>): T {
  if (text.trim() === '') throw invalidRequest('A JSON body is required.');
  const json = parseStrictJson(text);
  if (!json.ok)
    throw invalidRequest(`Malformed JSON: ${json.reason}`, [{ path: json.path, message: json.reason }]);
  return validate(json.value, schema);
}

export function validate<T>(value: unknown, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw invalidRequest(
      'The request does not match the schema.',
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '$',
        message: issue.message,
      })),
    );
  }
  return result.data;
}
