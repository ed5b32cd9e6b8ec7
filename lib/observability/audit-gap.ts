import type { AuditGapReporter } from '../issuance/ports.js';
import type { BrokerLogger } from './logger.js';

/** An unwritten FAILED record goes to the error log: the INTENT it leaves stays unconfirmed. */
export const logAuditGaps =
  (logger: Pick<BrokerLogger, 'error'>): AuditGapReporter =>
  (issuanceId, error) =>
    logger.error('FAILED record not written; INTENT stays unconfirmed', {
      issuanceId,
      error: error instanceof Error ? error.name : 'unknown',
    });
