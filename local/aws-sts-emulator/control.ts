/**
 * Test control endpoint, so tests can drive an emulator started by another process:
 *   GET /__emulator/calls, DELETE /__emulator/calls,
 *   GET /__emulator/faults, POST /__emulator/faults (JSON StsFault), DELETE /__emulator/faults.
 * It is unauthenticated and therefore loopback-only; POST demands application/json so a
 * browser cannot send it cross-origin without a CORS preflight, which is never granted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { type FaultBook, stsFaultSchema } from './faults.js';
import { sendJson } from './http.js';
import type { RecordedCall } from './types.js';

export const CONTROL_PREFIX = '/__emulator/';

export interface ControlDeps {
  faults: FaultBook;
  calls: () => RecordedCall[];
  clearCalls: () => void;
}

export function handleControl(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  body: Buffer,
  deps: ControlDeps,
): void {
  const route = `${request.method ?? ''} ${path}`;
  switch (route) {
    case 'GET /__emulator/calls':
      sendJson(response, 200, { calls: deps.calls() });
      return;
    case 'DELETE /__emulator/calls':
      deps.clearCalls();
      sendJson(response, 200, { cleared: true });
      return;
    case 'GET /__emulator/faults':
      sendJson(response, 200, { faults: deps.faults.active() });
      return;
    case 'DELETE /__emulator/faults':
      deps.faults.clear();
      sendJson(response, 200, { cleared: true });
      return;
    case 'POST /__emulator/faults':
      injectFault(request, response, body, deps.faults);
      return;
    default:
      sendJson(response, 404, { error: `no control route ${route}` });
      return;
  }
}

function injectFault(
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
  faults: FaultBook,
): void {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    sendJson(response, 415, { error: 'content-type must be application/json' });
    return;
  }
  let fault: unknown;
  try {
    fault = JSON.parse(body.toString('utf8'));
  } catch {
    sendJson(response, 400, { error: 'body is not JSON' });
    return;
  }
  const parsed = stsFaultSchema.safeParse(fault);
  if (!parsed.success) {
    sendJson(response, 400, { error: z.prettifyError(parsed.error) });
    return;
  }
  faults.inject(parsed.data);
  sendJson(response, 201, { faults: faults.active() });
  return;
}
