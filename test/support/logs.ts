/**
 * A Powertools Logger whose output a test can read. In dev mode (POWERTOOLS_DEV) the
 * logger writes through the global console instead of its own Console on process.stdout,
 * so replacing the console methods for the duration of a test captures every line.
 */
import { mock } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';

const CONSOLE_METHODS = ['log', 'debug', 'info', 'warn', 'error', 'trace'] as const;

export interface CapturedLogs {
  logger: Logger;
  lines: string[];
  /** Every captured line parsed as JSON (Powertools writes one object per call). */
  entries(): Record<string, unknown>[];
  restore(): void;
}

/** `env` is applied only while the logger is built (Powertools reads it at construction). */
export function capturingLogger(env: Record<string, string> = {}): CapturedLogs {
  const previous = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries({ POWERTOOLS_DEV: 'true', ...env })) {
    previous.set(key, process.env[key]);
    process.env[key] = value;
  }
  const logger = new Logger({ serviceName: 'credential-broker-test', logLevel: 'DEBUG' });
  for (const [key, value] of previous) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const lines: string[] = [];
  const mocks = CONSOLE_METHODS.map((method) =>
    mock.method(console, method, (...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    }),
  );
  return {
    logger,
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      for (const m of mocks) m.mock.restore();
    },
  };
}

export const silentLogger = () => new Logger({ serviceName: 'credential-broker-test', logLevel: 'SILENT' });
