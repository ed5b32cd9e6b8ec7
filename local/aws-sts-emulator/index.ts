/**
 * AWS STS emulator for the local stack and tests (dev-only, never deployed). It speaks the
 * Query protocol of @aws-sdk/client-sts (AssumeRole, GetCallerIdentity), verifies SigV4
 * signatures, enforces STS's limits, trust and ExternalIds, and issues random credentials
 * that it accepts back until they expire. Faults can be injected in-process or over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SigningIdentity } from '../auth/sigv4-verifier.js';
import { assumeRole, getCallerIdentity } from './actions.js';
import { authenticate } from './auth.js';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { internalFailure, StsError } from './errors.js';
import { makeFaultBook, STS_ACTIONS, type StsAction } from './faults.js';
import {
  BodyTooLarge,
  flatHeaders,
  hostHeaderIsLoopback,
  isLoopbackHost,
  isLoopbackPeer,
  readBody,
  send,
} from './http.js';
import { MAX_DURATION_SECONDS } from './limits.js';
import { parseQueryParams, type QueryParams, recordableParams } from './query.js';
import { makeSessionStore } from './sessions.js';
import type { EmulatedRole, RecordedCall, StsEmulator, StsEmulatorOptions } from './types.js';
import { errorXml, successXml } from './xml.js';

export type { StsAction, StsFault } from './faults.js';
export type { EmulatedRole, RecordedCall, StsEmulator, StsEmulatorOptions } from './types.js';

const API_VERSION = '2011-06-15';
const MAX_RECORDED_CALLS = 10_000;

function checkRoles(roles: EmulatedRole[]): Map<string, EmulatedRole> {
  for (const role of roles) {
    const max = role.maxSessionDurationSeconds ?? 3600;
    // IAM's own bounds for a role's MaxSessionDuration.
    if (!Number.isInteger(max) || max < 3600 || max > MAX_DURATION_SECONDS) {
      throw new Error(`role ${role.arn}: maxSessionDurationSeconds must be an integer in 3600..43200`);
    }
  }
  return new Map(roles.map((role) => [role.arn, role]));
}

function actionOf(params: QueryParams): StsAction {
  const action = params.get('Action');
  if (action === undefined) throw new StsError(400, 'MissingAction', 'Missing Action');
  const version = params.get('Version') ?? '';
  const known = STS_ACTIONS.find((candidate) => candidate === action);
  if (known === undefined || version !== API_VERSION) {
    throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${version}`);
  }
  return known;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : error.message;
      reject(new Error(`AWS STS emulator cannot listen: ${reason}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function startAwsStsEmulator(options: StsEmulatorOptions): Promise<StsEmulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`AWS STS emulator listens on loopback only, not on ${host}`);
  const roles = checkRoles(options.roles);
  const identities = new Map<string, SigningIdentity>(options.identities.map((i) => [i.accessKeyId, i]));
  const clock = options.clock ?? (() => new Date());
  const sessions = makeSessionStore();
  const faults = makeFaultBook();
  const calls: RecordedCall[] = [];
  const stopping = new AbortController();

  async function handleSts(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    rawQuery: string,
    body: Buffer,
  ) {
    const now = clock();
    const call: RecordedCall = {
      at: now.toISOString(),
      requestId: randomUUID(),
      action: '',
      params: {},
      status: 0,
    };
    const headers = { 'x-amzn-requestid': call.requestId, date: now.toUTCString() };
    try {
      const isForm = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const params = parseQueryParams(rawQuery, isForm ? body.toString('utf8') : undefined);
      call.params = recordableParams(params);
      call.action = params.get('Action') ?? '';
      const signed = {
        method: request.method ?? '',
        path,
        query: rawQuery,
        headers: flatHeaders(request),
        body,
      };
      const { identity, session } = await authenticate(signed, {
        identities,
        sessions,
        region: options.region,
        now,
      });
      call.accessKeyId = identity.accessKeyId;
      call.principalArn = identity.principalArn;
      const action = actionOf(params);
      const resource = params.get('RoleArn') ?? identity.principalArn;
      const fault = faults.take(action, { principalArn: identity.principalArn, resource });
      if (fault.delayMs > 0) await sleep(fault.delayMs, undefined, { signal: stopping.signal });
      if (fault.error !== undefined) throw fault.error;
      const context = { caller: identity, callerSession: session, params, roles, sessions, now };
      const result = action === 'AssumeRole' ? assumeRole(context) : getCallerIdentity(context);
      call.status = 200;
      send(response, 200, 'text/xml', successXml(action, result, call.requestId), headers);
    } catch (error) {
      const stsError = error instanceof StsError ? error : internalFailure();
      if (!(error instanceof StsError) && !stopping.signal.aborted) {
        // The message only: an unexpected error must not drag request data into the log.
        console.error(
          `aws-sts-emulator: internal error: ${error instanceof Error ? error.message : 'unknown'}`,
        );
      }
      call.status = stsError.status;
      call.errorCode = stsError.code;
      send(response, stsError.status, 'text/xml', errorXml(stsError, call.requestId), headers);
    } finally {
      calls.push(call);
      // A long `npm start` session must not grow without bound; tests read far fewer.
      if (calls.length > MAX_RECORDED_CALLS) calls.splice(0, calls.length - MAX_RECORDED_CALLS);
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (!isLoopbackPeer(request) || !hostHeaderIsLoopback(request.headers.host)) {
      return send(response, 403, 'text/plain', 'The AWS STS emulator serves loopback hosts only.\n');
    }
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    const rawQuery = queryStart < 0 ? '' : url.slice(queryStart + 1);
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return send(response, 413, 'text/plain', 'Request body too large.\n');
      throw error;
    }
    if (path.startsWith(CONTROL_PREFIX)) {
      const clearCalls = () => calls.splice(0, calls.length);
      return handleControl(request, response, path, body, { faults, calls: () => calls, clearCalls });
    }
    return handleSts(request, response, path, rawQuery, body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      // Only reachable when the client went away mid-request; nothing left to answer.
      if (!response.headersSent) response.destroy();
    });
  });
  await listen(server, options.port ?? 0, host);
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    calls,
    clearCalls: () => {
      calls.splice(0, calls.length);
    },
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    issuedSecrets: () => sessions.secrets(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        stopping.abort();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
