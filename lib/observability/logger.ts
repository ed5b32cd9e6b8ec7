/**
 * Structured JSON logs, one line per event, via Powertools Logger. Secrets are kept out
 * by construction: nothing here is ever handed a credentials object or a raw event
 * (POWERTOOLS_LOGGER_LOG_EVENT is forced off).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export type BrokerLogger = Logger;

export function makeLogger(serviceName = 'credential-broker'): BrokerLogger {
  return new Logger({
    serviceName,
    logLevel: (process.env.BROKER_LOG_LEVEL ?? 'INFO') as 'INFO',
    // Never log raw events: they hold headers and bodies (and, on a response, secrets).
    environment: process.env.BROKER_STAGE,
  });
}
