/**
 * Fault injection for tests: each fault applies to matching calls (one action or all) for
 * `count` calls, or until cleared. Latency delays the call; an error fault answers instead
 * of the action with the error real STS would send.
 */
import * as z from 'zod';
import { accessDenied, internalFailure, regionDisabled, type StsError, throttling } from './errors.js';

export const STS_ACTIONS = ['AssumeRole', 'GetCallerIdentity'] as const;
export type StsAction = (typeof STS_ACTIONS)[number];

const target = {
  count: z.number().int().positive().optional(),
  action: z.enum(STS_ACTIONS).optional(),
};

/** Also the JSON body of `POST /__emulator/faults`. */
export const stsFaultSchema = z.union([
  z.strictObject({
    kind: z.enum(['throttling', 'access-denied', 'region-disabled', 'internal-error']),
    ...target,
  }),
  z.strictObject({ kind: z.literal('latency'), ms: z.number().int().min(0).max(120_000), ...target }),
]);

export type StsFault = z.infer<typeof stsFaultSchema>;

export interface FaultBook {
  inject(fault: StsFault): void;
  clear(): void;
  active(): StsFault[];
  /** Consumes the faults that apply to this call: total latency, then the first error. */
  take(
    action: StsAction,
    context: { principalArn: string; resource: string },
  ): { delayMs: number; error?: StsError };
}

function errorOf(fault: StsFault, context: { principalArn: string; resource: string }): StsError | undefined {
  switch (fault.kind) {
    case 'throttling':
      return throttling();
    case 'access-denied':
      return accessDenied(context.principalArn, context.resource);
    case 'region-disabled':
      return regionDisabled(context.principalArn.split(':')[4] ?? '');
    case 'internal-error':
      return internalFailure();
    case 'latency':
      return undefined;
  }
}

export function makeFaultBook(): FaultBook {
  // Each entry keeps its own remaining count; undefined means forever.
  let faults: { fault: StsFault; remaining: number | undefined }[] = [];
  const use = (entry: { remaining: number | undefined }) => {
    if (entry.remaining !== undefined) entry.remaining -= 1;
  };
  return {
    inject(fault) {
      const parsed = stsFaultSchema.parse(fault);
      faults.push({ fault: parsed, remaining: parsed.count });
    },
    clear() {
      faults = [];
    },
    active: () =>
      faults.map((entry) =>
        entry.remaining === undefined ? entry.fault : { ...entry.fault, count: entry.remaining },
      ),
    take(action, context) {
      const matching = faults.filter(
        (entry) => entry.fault.action === undefined || entry.fault.action === action,
      );
      let delayMs = 0;
      for (const entry of matching) {
        if (entry.fault.kind !== 'latency') continue;
        delayMs += entry.fault.ms;
        use(entry);
      }
      const failing = matching.find((entry) => entry.fault.kind !== 'latency');
      if (failing !== undefined) use(failing);
      faults = faults.filter((entry) => entry.remaining === undefined || entry.remaining > 0);
      const error = failing === undefined ? undefined : errorOf(failing.fault, context);
      return error === undefined ? { delayMs } : { delayMs, error };
    },
  };
}
