import assert from 'node:assert/strict';
import { BrokerError } from '../../lib/errors.js';

/** Runs a step expected to refuse, and returns the BrokerError it threw (anything else fails). */
export function refusal(run: () => unknown, what = 'the input'): BrokerError {
  try {
    run();
  } catch (error) {
    if (error instanceof BrokerError) return error;
    throw error;
  }
  assert.fail(`expected ${what} to be refused`);
}
