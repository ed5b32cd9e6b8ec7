/**
 * Injected faults of the Volcengine STS emulator: what the real service does on a bad day
 * (throttling, internal errors, errors reported inside an HTTP 200, slowness), so provider
 * tests can prove the broker retries, maps and times out as it must.
 */
import * as z from 'zod';

const count = z.number().int().positive().optional();

export const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('throttling'), count }),
  z.strictObject({ kind: z.literal('access-denied'), count }),
  z.strictObject({ kind: z.literal('internal-error'), count }),
  // The real service sometimes answers 200 with ResponseMetadata.Error set.
  z.strictObject({
    kind: z.literal('error-in-200'),
    code: z.string().min(1).optional(),
    message: z.string().optional(),
    count,
  }),
  z.strictObject({ kind: z.literal('latency'), ms: z.number().int().nonnegative(), count }),
]);

export type Fault = z.infer<typeof faultSchema>;
export type ErrorFault = Exclude<Fault, { kind: 'latency' }>;

export interface InjectedError {
  status: number;
  code: string;
  message: string;
}

export function errorOf(fault: ErrorFault): InjectedError {
  switch (fault.kind) {
    case 'throttling':
      return { status: 429, code: 'RequestLimitExceeded', message: 'Request limit exceeded (injected).' };
    case 'access-denied':
      return { status: 403, code: 'AccessDenied', message: 'Access denied (injected).' };
    case 'internal-error':
      return { status: 500, code: 'InternalError', message: 'Internal error (injected).' };
    case 'error-in-200':
      return {
        status: 200,
        code: fault.code ?? 'InvalidParameter',
        message: fault.message ?? 'Invalid parameter (injected).',
      };
  }
}

/** Faults with an optional use count; a fault without a count lasts until cleared. */
export class FaultBoard {
  private active: { fault: Fault; left: number }[] = [];

  inject(fault: Fault): void {
    this.active.push({ fault, left: fault.count ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.active = [];
  }

  /** Consumes what applies to one request: the sum of active latencies and the first error. */
  take(): { latencyMs: number; error: InjectedError | undefined } {
    let latencyMs = 0;
    let error: InjectedError | undefined;
    for (const entry of this.active) {
      if (entry.fault.kind === 'latency') {
        latencyMs += entry.fault.ms;
        entry.left -= 1;
      } else if (!error) {
        error = errorOf(entry.fault);
        entry.left -= 1;
      }
    }
    this.active = this.active.filter((entry) => entry.left > 0);
    return { latencyMs, error };
  }
}
