/**
 * The verifier: given the digests, the records and the public key, it checks every
 * signature, the chain from each digest to the one before, and every record of every
 * sealed window against its digest. Each problem is named:
 *
 *   BAD_SIGNATURE        a digest whose signature, key or leaf list does not hold
 *   CHAIN_BROKEN         a digest missing, or not linked to its predecessor
 *   MODIFIED             a sealed record whose content changed
 *   DELETED              a sealed record that is gone
 *   INSERTED_AFTER_SEAL  a record in a sealed window that the digest does not name
 *   UNSEALED             records not sealed yet (the newest windows): not a failure
 *
 * It reads only through VerifySources, so the same code runs on the table (tests, bench),
 * on the audit API (`broker audit verify`) and on files.
 */
import type { AuditRecordView } from '../view.js';
import { leafOf, leavesSha256, parseLeafLine, recordIdOf } from './canonical.js';
import { type DigestPayload, digestSha256, readPayload, type SealedDigest } from './digest.js';
import { type DigestPublicKey, verifySignature } from './signer.js';
import type { SealWindow } from './window.js';

export const FINDING_CODES = [
  'MODIFIED',
  'DELETED',
  'INSERTED_AFTER_SEAL',
  'CHAIN_BROKEN',
  'BAD_SIGNATURE',
  'UNSEALED',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  code: FindingCode;
  window?: SealWindow;
  recordId?: string;
  detail: string;
}

export interface VerifySources {
  /** Digests whose window starts in [from, to), oldest first. */
  digests(range: { from?: string; to?: string }): AsyncIterable<SealedDigest>;
  /** Every record whose time is in [start, end). */
  records(span: SealWindow): Promise<AuditRecordView[]>;
  publicKey: DigestPublicKey;
}

export interface VerifyOptions {
  from?: string;
  to?: string;
  now: Date;
}

export interface VerifyReport {
  /** True when everything sealed holds (UNSEALED findings do not count against it). */
  ok: boolean;
  windows: number;
  records: number;
  /** End of the last sealed window seen. */
  sealedThrough?: string;
  findings: Finding[];
}

/** Digests whose records are read in one go (one span of the record source). */
const BATCH_WINDOWS = 96;

interface Checked {
  digest: SealedDigest;
  payload: DigestPayload;
  window: SealWindow;
}

export async function verifyAuditTrail(
  sources: VerifySources,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const findings: Finding[] = [];
  let windows = 0;
  let records = 0;
  let previous: Checked | undefined;
  let first = true;
  let batch: Checked[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const span = { start: batch[0]?.window.start ?? '', end: batch.at(-1)?.window.end ?? '' };
    const inSpan = await sources.records(span);
    records += inSpan.length;
    const byWindow = bucketByWindow(batch, inSpan);
    batch.forEach((checked, n) => {
      findings.push(...compareRecords(checked, byWindow[n] ?? []));
    });
    batch = [];
  };

  for await (const digest of sources.digests({ from: options.from, to: options.to })) {
    windows += 1;
    const payload = readPayload(digest.payload);
    if (!payload) {
      findings.push({ code: 'BAD_SIGNATURE', detail: 'a digest payload is not a canonical digest' });
      continue;
    }
    const checked: Checked = {
      digest,
      payload,
      window: { start: payload.windowStart, end: payload.windowEnd },
    };
    findings.push(...checkSignature(checked, sources.publicKey));
    if (first) {
      findings.push(...(await checkPredecessor(checked, sources)));
      first = false;
    } else if (previous) {
      findings.push(...(await checkLink(previous, checked, sources)));
    }
    previous = checked;
    batch.push(checked);
    if (batch.length >= BATCH_WINDOWS) await flush();
  }
  await flush();

  const unsealed = await unsealedTail(previous?.window.end ?? options.from, options, sources);
  if (unsealed) findings.push(unsealed);
  return {
    ok: findings.every((finding) => finding.code === 'UNSEALED'),
    windows,
    records,
    ...(previous ? { sealedThrough: previous.window.end } : {}),
    findings,
  };
}

function checkSignature({ digest, payload, window }: Checked, key: DigestPublicKey): Finding[] {
  const problems: Finding[] = [];
  if (payload.keyId !== key.keyId) {
    problems.push({
      code: 'BAD_SIGNATURE',
      window,
      detail: `signed with key ${payload.keyId}, not ${key.keyId}`,
    });
  } else if (!verifySignature(key, digest.payload, digest.signature)) {
    problems.push({ code: 'BAD_SIGNATURE', window, detail: 'the signature does not verify' });
  }
  if (leavesSha256(digest.leaves) !== payload.leavesSha256 || digest.leaves.length !== payload.recordCount) {
    problems.push({
      code: 'BAD_SIGNATURE',
      window,
      detail: 'the leaf list does not match the signed digest',
    });
  }
  return problems;
}

async function checkLink(previous: Checked, current: Checked, sources: VerifySources): Promise<Finding[]> {
  const problems: Finding[] = [];
  if (current.window.start !== previous.window.end) {
    const gap = { start: previous.window.end, end: current.window.start };
    const lost = Date.parse(gap.start) < Date.parse(gap.end) ? (await sources.records(gap)).length : 0;
    problems.push({
      code: 'CHAIN_BROKEN',
      window: gap,
      detail: `no digest for ${gap.start} – ${gap.end} (${lost} records there are not covered)`,
    });
  }
  if (current.payload.previousDigestSha256 !== digestSha256(previous.digest)) {
    problems.push({
      code: 'CHAIN_BROKEN',
      window: current.window,
      detail: 'previousDigestSha256 does not name the digest before it',
    });
  }
  return problems;
}

/** The first digest of a range links to one outside it: fetch that one (or find it missing). */
async function checkPredecessor(first: Checked, sources: VerifySources): Promise<Finding[]> {
  if (first.payload.previousDigestSha256 === null) return checkBeforeChain(first, sources);
  const size = Date.parse(first.window.end) - Date.parse(first.window.start);
  const before = new Date(Date.parse(first.window.start) - size).toISOString();
  let predecessor: SealedDigest | undefined;
  for await (const digest of sources.digests({ from: before, to: first.window.start })) predecessor = digest;
  const payload = predecessor ? readPayload(predecessor.payload) : undefined;
  if (!predecessor || !payload) {
    return [
      {
        code: 'CHAIN_BROKEN',
        window: first.window,
        detail: 'the digest before this window is missing (the first digest of a chain names no predecessor)',
      },
    ];
  }
  return checkLink(
    { digest: predecessor, payload, window: { start: payload.windowStart, end: payload.windowEnd } },
    first,
    sources,
  );
}

/** The first digest of a chain says when the trail was still empty: records there came later. */
async function checkBeforeChain(genesis: Checked, sources: VerifySources): Promise<Finding[]> {
  const { emptySince } = genesis.payload;
  if (emptySince === null || Date.parse(emptySince) >= Date.parse(genesis.window.start)) return [];
  const span = { start: emptySince, end: genesis.window.start };
  return (await sources.records(span)).map((record) => ({
    code: 'INSERTED_AFTER_SEAL' as const,
    window: span,
    recordId: recordIdOf(record),
    detail: 'dated before the first sealed window, where the trail was empty when sealing began',
  }));
}

/** Records of a batch span, by sealed window (records in gaps are counted by checkLink). */
function bucketByWindow(batch: Checked[], records: AuditRecordView[]): AuditRecordView[][] {
  const starts = batch.map((checked) => Date.parse(checked.window.start));
  const ends = batch.map((checked) => Date.parse(checked.window.end));
  const windows: AuditRecordView[][] = batch.map(() => []);
  for (const record of records) {
    const at = Date.parse(record.at);
    // Last window starting at or before `at` (binary search: batches are in time order).
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((starts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    if ((starts[low] ?? 0) <= at && at < (ends[low] ?? 0)) windows[low]?.push(record);
  }
  return windows;
}

function compareRecords({ payload, digest, window }: Checked, records: AuditRecordView[]): Finding[] {
  const problems: Finding[] = [];
  const sealed = new Map<string, string>();
  for (const line of digest.leaves) {
    const leaf = parseLeafLine(line);
    if (leaf) sealed.set(leaf.id, leaf.sha256);
  }
  const seen = new Set<string>();
  for (const record of records) {
    const leaf = leafOf(record);
    seen.add(leaf.id);
    const expected = sealed.get(leaf.id);
    if (expected === undefined) {
      problems.push({
        code: 'INSERTED_AFTER_SEAL',
        window,
        recordId: leaf.id,
        detail: `not in the digest sealed at ${payload.sealedAt}`,
      });
    } else if (expected !== leaf.sha256) {
      problems.push({
        code: 'MODIFIED',
        window,
        recordId: leaf.id,
        detail: 'its content differs from the sealed hash',
      });
    }
  }
  for (const id of sealed.keys()) {
    if (!seen.has(id))
      problems.push({ code: 'DELETED', window, recordId: id, detail: 'sealed, and no longer in the trail' });
  }
  return problems;
}

async function unsealedTail(
  start: string | undefined,
  options: VerifyOptions,
  sources: VerifySources,
): Promise<Finding | undefined> {
  if (start === undefined) return undefined;
  const end = options.to ?? options.now.toISOString();
  if (Date.parse(start) >= Date.parse(end)) return undefined;
  const count = (await sources.records({ start, end })).length;
  if (count === 0) return undefined;
  return {
    code: 'UNSEALED',
    window: { start, end },
    detail: `${count} records after the last sealed window are not sealed yet`,
  };
}
