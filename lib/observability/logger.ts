/**
 * Structured JSON logs, one line per event, via Powertools Logger. Secrets are kept out
 * by construction: nothing here is ever handed a credentials object or a raw event
 * (POWERTOOLS_LOGGER_LOG_EVENT is forced off). The level is POWERTOOLS_LOG_LEVEL (INFO when
 * unset), read by Powertools itself: one setting, no broker variable beside it.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export type BrokerLogger = Logger;

export function makeLogger(serviceName = 'credential-broker'): BrokerLogger {
  return new Logger({
    serviceName,
    // Never log raw events: they hold headers and bodies (and, on a response, secrets).
    environment: process.env.BROKER_STAGE,
  });
}
