/**
 * Opaque pagination cursors (invariant 11). A cursor carries where the next page starts
 * (index, partition, DynamoDB key) and the fingerprint of the filters it was made for,
 * sealed with HMAC-SHA256 under the broker's cursor key. The server trusts a cursor only
 * after the MAC verifies (constant-time compare), so a client cannot steer a Query to
 * another partition, and a cursor replayed with other filters is refused.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { invalidCursor } from '../errors.js';

const position = z.strictObject({
  v: z.literal(1),
  /** Index the plan reads. */
  i: z.string().min(1).max(64),
  /** Partition key value the next page starts in (a day for byDay). */
  p: z.string().min(1).max(2048),
  /** ExclusiveStartKey; absent when the next page starts at the top of partition p. */
  k: z.record(z.string(), z.string().max(2048)).optional(),
  /** Fingerprint of the filters as requested. */
  f: z.string().min(1).max(64),
  /** Range as resolved on the first page (a default `to` of "now" must not move). */
  r: z.strictObject({ from: z.string().optional(), to: z.string().optional() }),
});

export type CursorPosition = z.infer<typeof position>;

const MAC_BYTES = 32;

export interface CursorSealer {
  seal(position: CursorPosition): string;
  /** Verifies and decodes; throws 400 invalid_cursor on anything but an intact cursor. */
  open(cursor: string): CursorPosition;
}

/**
 * `key` is the key itself (checked at once), or a getter of the current one, checked at each
 * use (a rotated key takes over at once; a key read on first use is not there yet at import).
 */
export function makeCursorSealer(key: string | (() => string)): CursorSealer {
  const currentKey = typeof key === 'function' ? key : () => key;
  const checked = () => {
    const value = currentKey();
    if (value.length < 32) throw new Error('the cursor key must be at least 32 characters');
    return value;
  };
  if (typeof key === 'string') checked();
  const mac = (payload: string) => createHmac('sha256', checked()).update(payload).digest();

  return {
    seal(value) {
      const payload = encodeCursorPayload(value);
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    open(cursor) {
      const [payload, signature, ...rest] = cursor.split('.');
      if (payload === undefined || signature === undefined || rest.length > 0) throw invalidCursor();
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload);
      // timingSafeEqual throws on unequal lengths: check first, without leaking more than the length.
      if (given.length !== MAC_BYTES || !timingSafeEqual(given, expected)) throw invalidCursor();
      return decodeCursorPayload(payload, position);
    },
  };
}

/** A cursor's payload: its JSON, base64url-encoded (opaque to the client, not secret). */
export const encodeCursorPayload = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Reads a payload back against its schema; anything else is a 400 invalid_cursor. */
export function decodeCursorPayload<T>(payload: string, schema: z.ZodType<T>): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

/** Short stable digest of the normalized filters, so a cursor only continues its own query. */
export function fingerprint(filters: Record<string, string | undefined>): string {
  const canonical = Object.keys(filters)
    .sort()
    .map((name) => [name, filters[name] ?? null]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 22);
}
