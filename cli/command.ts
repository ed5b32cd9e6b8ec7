/**
 * What every `broker` subcommand implements. Subcommands get their streams and
 * environment through CliIo, so tests run them in-process and read what they print.
 */

export interface CliIo {
  /** Resolves once the text is handed off (waits for drain on a slow pipe). */
  stdout(text: string): Promise<void>;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
}

export interface Command {
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/**
 * Exit codes shared by every subcommand (scripts branch on them). `evidence`: `broker audit
 * verify` found sealed evidence that does not hold.
 */
export const EXIT = { ok: 0, usage: 1, auth: 2, server: 3, evidence: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake in the command line: printed with a hint, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const processIo: CliIo = {
  stdout: (text) =>
    new Promise((resolve, reject) => {
      if (text === '') return resolve();
      process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
    }),
  stderr: (text) => {
    process.stderr.write(text);
  },
  env: process.env,
};

/** Flags every subcommand that calls the broker takes: where, how to sign, help. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  local: { type: 'boolean' },
  as: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
