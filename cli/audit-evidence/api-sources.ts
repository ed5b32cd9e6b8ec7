/**
 * The verifier's sources on the audit API: digests from GET /v1/audit/digests, records from
 * GET /v1/issuances (the by-day listing, in spans the API accepts), the key from
 * GET /v1/audit/public-key. Answers are checked against the route contracts; records are
 * hashed exactly as received, so what is verified is what the API says.
 */
import type * as z from 'zod';
import { digestPublicKey as readPublicKey } from '../../lib/audit/digest/signer.js';
import type { VerifySources } from '../../lib/audit/digest/verify.js';
import type { AuditRecordView } from '../../lib/audit/view.js';
import { unexpectedAnswer } from '../../lib/client/problem.js';
import { digestPage, digestPublicKey } from '../../lib/contracts/audit-evidence.js';
import { auditPage } from '../../lib/contracts/list-issuances.js';

/** One signed GET; resolves to the JSON body of a 200, throws on anything else. */
export type GetJson = (path: string, query: URLSearchParams) => Promise<unknown>;

/** The by-day listing accepts at most 31 days per request: read longer spans in pieces. */
const SPAN_MS = 30 * 86_400_000;
const RECORDS_PER_PAGE = '1000';
const DIGESTS_PER_PAGE = '100';

/** A body the route's contract does not allow is the client's usual `invalid_response`. */
function checked<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '$'))];
    throw unexpectedAnswer(200, 200, { kind: 'body', fields });
  }
  return parsed.data;
}

/** Every record whose time is in [from, to), as the API returned it. */
export async function recordsBetween(get: GetJson, from: string, to: string): Promise<AuditRecordView[]> {
  const records: AuditRecordView[] = [];
  for (let start = Date.parse(from); start < Date.parse(to); start += SPAN_MS) {
    const end = Math.min(start + SPAN_MS, Date.parse(to));
    const query = new URLSearchParams({
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      limit: RECORDS_PER_PAGE,
    });
    for (;;) {
      const body = await get('/v1/issuances', query);
      const page = checked(auditPage, body);
      // The raw items, not the parsed ones: hashing must see every field as sent.
      records.push(...((body as { items: AuditRecordView[] }).items ?? []));
      if (page.cursor === undefined) break;
      query.set('cursor', page.cursor);
    }
  }
  return records;
}

export async function apiVerifySources(get: GetJson): Promise<VerifySources> {
  const key = checked(digestPublicKey, await get('/v1/audit/public-key', new URLSearchParams()));
  // The key id is recomputed from the PEM, so a key answer cannot name another key's id.
  const publicKey = readPublicKey(key.pem);
  if (publicKey.keyId !== key.keyId) throw unexpectedAnswer(200, 200, { kind: 'body', fields: ['keyId'] });
  return {
    publicKey,
    records: (span) => recordsBetween(get, span.start, span.end),
    async *digests(range) {
      const query = new URLSearchParams({ limit: DIGESTS_PER_PAGE });
      if (range.from !== undefined) query.set('from', range.from);
      if (range.to !== undefined) query.set('to', range.to);
      for (;;) {
        const page = checked(digestPage, await get('/v1/audit/digests', query));
        yield* page.items.map(({ payload, signature, leaves }) => ({ payload, signature, leaves }));
        if (page.cursor === undefined) return;
        query.set('cursor', page.cursor);
      }
    },
  };
}
