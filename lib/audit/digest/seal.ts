/**
 * Sealing: each closed window, in order, gets one signed digest chained to the one
 * before, so the chain has no gaps (windows without records are sealed too, with a count
 * of 0). Idempotent: a run starts after the latest digest, a window that already has one
 * is never rewritten, and a run stopped halfway is continued by the next.
 */
import type { Budget } from '../../budget.js';
import { leafLines, leafOf, leavesSha256 } from './canonical.js';
import {
  type DigestPayload,
  digestSha256,
  payloadText,
  readPayload,
  type SealedDigest,
  SIGNING_ALGORITHM,
} from './digest.js';
import type { DigestHead, DigestStore, EvidenceExport, WindowRecords } from './ports.js';
import type { DigestSigner } from './signer.js';
import { isClosed, type SealWindow, type WindowSettings, windowAfter, windowAt } from './window.js';

export interface SealDeps {
  store: DigestStore;
  records: WindowRecords;
  signer: DigestSigner;
  /** Deployed: S3 with Object Lock. Written before the digest commits (see below). */
  evidence?: EvidenceExport;
  clock: () => Date;
  settings: WindowSettings;
  /** How far back a new chain looks for its first record. */
  lookbackDays?: number;
}

export interface SealRun {
  sealed: SealWindow[];
  /** True when closed windows are left for the next run (window or time budget spent). */
  behind: boolean;
}

/** Leave this much of the budget unspent: one more window would risk a half-done run. */
const STOP_RESERVE_MS = 15_000;

export function makeSealAuditWindows(deps: SealDeps) {
  const lookbackDays = deps.lookbackDays ?? 400;

  /** Where a new chain starts: the window of the earliest record within the look-back. */
  const firstWindow = async (budget: Budget) => {
    const now = deps.clock();
    const at = await deps.records.earliest(now, lookbackDays, budget);
    if (at === undefined) return undefined;
    const emptySince = `${new Date(now.getTime() - lookbackDays * 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`;
    return { ...windowAt(at, deps.settings.windowSeconds), emptySince };
  };

  const sealOne = async (
    window: SealWindow & { emptySince?: string },
    previous: DigestHead | undefined,
    budget: Budget,
  ) => {
    const records = await deps.records.between(window, budget);
    const lines = leafLines(records.map(leafOf));
    const key = await deps.signer.publicKey();
    const payload: DigestPayload = {
      version: 1,
      windowStart: window.start,
      windowEnd: window.end,
      recordCount: lines.length,
      leavesSha256: leavesSha256(lines),
      previousDigestSha256: previous ? digestSha256(previous) : null,
      emptySince: previous ? null : (window.emptySince ?? null),
      sealedAt: deps.clock().toISOString(),
      keyId: key.keyId,
      signingAlgorithm: SIGNING_ALGORITHM,
    };
    const text = payloadText(payload);
    const signature = Buffer.from(await deps.signer.sign(Buffer.from(text, 'utf8'))).toString('base64');
    const digest: SealedDigest = { payload: text, signature, leaves: lines };
    // Export first: a digest only commits once its evidence is out of reach. A run that
    // dies in between re-exports the window next time (a new object version, never a delete).
    await deps.evidence?.put(digest, records);
    const outcome = await deps.store.put(digest, budget);
    // Another run sealed this window first: continue the chain from the stored digest.
    return outcome === 'written' ? digest : await deps.store.latest(budget);
  };

  return async function sealAuditWindows(
    budget: Budget,
    options: { maxWindows?: number } = {},
  ): Promise<SealRun> {
    const maxWindows = options.maxWindows ?? Number.POSITIVE_INFINITY;
    let previous = await deps.store.latest(budget);
    const previousPayload = previous ? readPayload(previous.payload) : undefined;
    if (previous && !previousPayload)
      throw new Error('the latest digest is unreadable: refusing to extend the chain');
    let window: (SealWindow & { emptySince?: string }) | undefined = previousPayload
      ? windowAfter(previousPayload.windowEnd, deps.settings.windowSeconds)
      : await firstWindow(budget);
    const sealed: SealWindow[] = [];
    while (window && isClosed(window, deps.clock(), deps.settings)) {
      if (sealed.length >= maxWindows || budget.remainingMs() < STOP_RESERVE_MS)
        return { sealed, behind: true };
      previous = await sealOne(window, previous, budget);
      sealed.push(window);
      const end = previous ? readPayload(previous.payload)?.windowEnd : undefined;
      window = end ? windowAfter(end, deps.settings.windowSeconds) : undefined;
    }
    return { sealed, behind: false };
  };
}

export type SealAuditWindows = ReturnType<typeof makeSealAuditWindows>;
