/** VerifySources on the digest store and the table's records (tests, bench, server side). */
import type { Budget } from '../../budget.js';
import type { DigestStore, WindowRecords } from './ports.js';
import type { DigestPublicKey } from './signer.js';
import type { VerifySources } from './verify.js';

const PAGE_DIGESTS = 50;

export function storeVerifySources(
  store: DigestStore,
  records: WindowRecords,
  publicKey: DigestPublicKey,
  budget: () => Budget,
): VerifySources {
  return {
    publicKey,
    records: (span) => records.between(span, budget()),
    async *digests(range) {
      let after: string | undefined;
      do {
        const page = await store.list(range, { limit: PAGE_DIGESTS, after }, budget());
        yield* page.digests;
        after = page.after;
      } while (after !== undefined);
    },
  };
}
