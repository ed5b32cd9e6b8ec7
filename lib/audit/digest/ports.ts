/**
 * Ports of the digest chain: where digests live, where a window's records are read, and
 * where sealed windows are exported. The sealer and the verifier depend on these only.
 */
import type { Budget } from '../../budget.js';
import type { TimeRange } from '../time-range.js';
import type { AuditRecordView } from '../view.js';
import type { SealedDigest } from './digest.js';
import type { SealWindow } from './window.js';

export type DigestHead = Pick<SealedDigest, 'payload' | 'signature'>;

export interface DigestPage {
  digests: SealedDigest[];
  /** windowStart of the last digest returned, when more may follow. */
  after?: string;
}

export interface DigestStore {
  /** The digest of the latest sealed window (no leaves): where the chain continues. */
  latest(budget: Budget): Promise<DigestHead | undefined>;
  /** Writes once (conditional put, never an update); 'exists' when the window has a digest. */
  put(digest: SealedDigest, budget: Budget): Promise<'written' | 'exists'>;
  /** Digests whose window starts in [from, to), oldest first; continues after `after`. */
  list(range: TimeRange, page: { limit: number; after?: string }, budget: Budget): Promise<DigestPage>;
}

export interface WindowRecords {
  /** Every record whose time is in [start, end), read through the by-day index. */
  between(span: SealWindow, budget: Budget): Promise<AuditRecordView[]>;
  /** The time of the earliest record of the last `lookbackDays` days: where a new chain starts. */
  earliest(now: Date, lookbackDays: number, budget: Budget): Promise<string | undefined>;
}

/** A sealed window as evidence kept outside the table (S3 with Object Lock when deployed). */
export interface EvidenceExport {
  put(digest: SealedDigest, records: AuditRecordView[]): Promise<void>;
}
