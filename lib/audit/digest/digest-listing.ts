/**
 * The auditor's view of the chain: digests whose window starts in [from, to), oldest
 * first, in pages. A cursor names the last window returned and the range it was made for;
 * it is opaque but not secret (it holds nothing a caller could not ask for with `from`), so
 * it is checked, not sealed: a cursor for another range, or not a cursor, is a 400.
 */
import * as z from 'zod';
import type { Budget } from '../../budget.js';
import type { DigestPageBody } from '../../contracts/audit-evidence.js';
import { invalidCursor } from '../../errors.js';
import { decodeCursorPayload, encodeCursorPayload } from '../cursor.js';
import { checkRange, type TimeRange } from '../time-range.js';
import { readPayload, type SealedDigest } from './digest.js';
import type { DigestStore } from './ports.js';

/** Leaf lines per page at most (about 2 MB of JSON): a page of large windows holds fewer digests. */
export const MAX_LEAVES_PER_PAGE = 20_000;

type DigestView = DigestPageBody['items'][number];

const cursorSchema = z.strictObject({
  a: z.iso.datetime(),
  f: z.string().nullable(),
  t: z.string().nullable(),
});

export function makeDigestListing(deps: { store: DigestStore }) {
  return async function listDigests(
    query: { from?: string; to?: string; limit: number; cursor?: string },
    budget: Budget,
  ): Promise<DigestPageBody> {
    const range = checkRange({ from: query.from, to: query.to });
    const after = query.cursor === undefined ? undefined : openCursor(query.cursor, range);
    const page = await deps.store.list(range, { limit: query.limit, after }, budget);
    const kept = withinLeafBudget(page.digests);
    const items = kept.map(toView);
    const last = items.at(-1)?.windowStart;
    const more = kept.length < page.digests.length || page.after !== undefined;
    return { items, ...(more && last ? { cursor: sealCursor(last, range) } : {}) };
  };
}

export type ListDigests = ReturnType<typeof makeDigestListing>;

function withinLeafBudget(digests: SealedDigest[]): SealedDigest[] {
  let leaves = 0;
  const kept: SealedDigest[] = [];
  for (const digest of digests) {
    leaves += digest.leaves.length;
    if (kept.length > 0 && leaves > MAX_LEAVES_PER_PAGE) break;
    kept.push(digest);
  }
  return kept;
}

/** What the payload says about its window; a tampered payload is shown as stored, for the verifier to name. */
function toView(digest: SealedDigest): DigestView {
  const payload = readPayload(digest.payload);
  return {
    windowStart: payload?.windowStart ?? '',
    windowEnd: payload?.windowEnd ?? '',
    recordCount: payload?.recordCount ?? 0,
    payload: digest.payload,
    signature: digest.signature,
    leaves: digest.leaves,
  };
}

const sealCursor = (after: string, range: TimeRange) =>
  encodeCursorPayload({ a: after, f: range.from ?? null, t: range.to ?? null });

function openCursor(cursor: string, range: TimeRange): string {
  const position = decodeCursorPayload(cursor, cursorSchema);
  if (position.f !== (range.from ?? null) || position.t !== (range.to ?? null)) throw invalidCursor();
  return position.a;
}
