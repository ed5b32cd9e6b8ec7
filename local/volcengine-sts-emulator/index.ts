/**
 * Local Volcengine STS (AssumeRole) for `npm start` and the adapter tests. Dev and test only,
 * never deployed; it listens on loopback only. It verifies request signatures, knows roles
 * and their trust, clamps durations like the real service, and takes injected faults from
 * code or over HTTP (`POST`/`DELETE /__emulator/faults`, `GET /__emulator/calls`).
 * Calls are recorded without any secret: no signature, no issued secret key or token.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AssumeRoleOutcome, assumeRole, type EmulatorRole } from './assume-role.js';
import { type Fault, FaultBoard, faultSchema } from './faults.js';
import { type EmulatorIdentity, verifySignature } from './verify-signature.js';

export type { EmulatorRole } from './assume-role.js';
export type { Fault } from './faults.js';
export type { EmulatorIdentity } from './verify-signature.js';

export interface VolcengineStsEmulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  identities: EmulatorIdentity[];
  roles: EmulatorRole[];
  clock?: () => Date;
}

export interface EmulatorCall {
  at: string;
  action: string | undefined;
  accessKeyId: string | undefined;
  roleTrn: string | undefined;
  roleSessionName: string | undefined;
  requestedDurationSeconds: string | undefined;
  effectiveDurationSeconds: number | undefined;
  policy: string | undefined;
  status: number;
  errorCode: string | undefined;
  issuedAccessKeyId: string | undefined;
}

export interface VolcengineStsEmulator {
  url: string;
  port: number;
  stop(): Promise<void>;
  readonly calls: readonly EmulatorCall[];
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Forgets the recorded calls (between tests). */
  clearCalls(): void;
  /** Secret keys and session tokens handed out so far, for leak checks in tests. */
  issuedSecrets(): string[];
}

/** An AssumeRole outcome plus who signed it and for which region, once known. */
type Verdict = AssumeRoleOutcome & { accessKeyId?: string | undefined; region?: string | undefined };

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_BODY_BYTES = 64 * 1024;

export async function startVolcengineStsEmulator(
  options: VolcengineStsEmulatorOptions,
): Promise<VolcengineStsEmulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host))
    throw new Error(`The Volcengine STS emulator listens on loopback only, not ${host}.`);
  const clock = options.clock ?? (() => new Date());
  const faults = new FaultBoard();
  const calls: EmulatorCall[] = [];
  const secrets: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handleStsCall(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    const query = Object.fromEntries(url.searchParams);
    const call: EmulatorCall = {
      at: clock().toISOString(),
      action: query.Action,
      accessKeyId: undefined,
      roleTrn: query.RoleTrn,
      roleSessionName: query.RoleSessionName,
      requestedDurationSeconds: query.DurationSeconds,
      effectiveDurationSeconds: undefined,
      policy: query.Policy,
      status: 0,
      errorCode: undefined,
      issuedAccessKeyId: undefined,
    };
    calls.push(call);
    const { latencyMs, error } = faults.take();
    if (latencyMs > 0) await delay(latencyMs);
    // Injected faults stand in for the gateway in front of the service: they win over auth.
    const verdict: Verdict = error ? { ok: false, ...error } : authorizeAndAssume(req, url, query, body);
    const region = verdict.region ?? 'cn-north-1';
    call.accessKeyId = verdict.accessKeyId;
    if (!verdict.ok) {
      call.status = verdict.status;
      call.errorCode = verdict.code;
      return send(res, verdict.status, {
        ResponseMetadata: {
          ...metadata(query, region),
          Error: { Code: verdict.code, Message: verdict.message },
        },
      });
    }
    call.status = 200;
    call.effectiveDurationSeconds = verdict.effectiveDurationSeconds;
    call.issuedAccessKeyId = verdict.credentials.AccessKeyId;
    secrets.push(verdict.credentials.SecretAccessKey, verdict.credentials.SessionToken);
    return send(res, 200, {
      ResponseMetadata: metadata(query, region),
      Result: { Credentials: verdict.credentials, AssumedRoleUser: verdict.assumedRoleUser },
    });
  }

  function authorizeAndAssume(
    req: IncomingMessage,
    url: URL,
    query: Record<string, string>,
    body: string,
  ): Verdict {
    if (url.searchParams.size !== Object.keys(query).length) {
      return { ok: false, status: 400, code: 'InvalidParameter', message: 'Duplicate query parameters.' };
    }
    const verification = verifySignature(
      { method: req.method ?? 'GET', pathname: url.pathname, query, headers: req.headers, body },
      options.identities,
      clock(),
    );
    if (!verification.ok) return verification;
    const base = { accessKeyId: verification.identity.accessKeyId, region: verification.region };
    if (req.method !== 'GET' || url.pathname !== '/') {
      return { ...base, ok: false, status: 404, code: 'InvalidActionOrVersion', message: 'Use GET /.' };
    }
    if (query.Action !== 'AssumeRole' || query.Version !== '2018-01-01') {
      return {
        ...base,
        ok: false,
        status: 404,
        code: 'InvalidActionOrVersion',
        message: 'Unknown action or version.',
      };
    }
    return { ...base, ...assumeRole(query, verification.identity, options.roles, clock()) };
  }

  function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    if (url.pathname === '/__emulator/calls' && req.method === 'GET') return send(res, 200, calls);
    if (url.pathname === '/__emulator/faults' && req.method === 'DELETE') {
      faults.clear();
      return send(res, 204);
    }
    if (url.pathname === '/__emulator/faults' && req.method === 'POST') {
      const parsed = faultSchema.safeParse(parseJson(body));
      if (!parsed.success) return send(res, 400, { error: 'invalid fault', issues: parsed.error.issues });
      faults.inject(parsed.data);
      return send(res, 204);
    }
    return send(res, 404, { error: 'unknown emulator control endpoint' });
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const url = new URL(req.url ?? '/', 'http://emulator.local');
        if (url.pathname.startsWith('/__emulator/')) return handleControl(req, res, url, body);
        return handleStsCall(req, res, url, body);
      })
      .catch(() => send(res, 400, { error: 'unreadable request' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    calls,
    injectFault: (fault) => faults.inject(faultSchema.parse(fault)),
    clearFaults: () => faults.clear(),
    clearCalls: () => {
      calls.length = 0;
    },
    issuedSecrets: () => [...secrets],
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function metadata(query: Record<string, string>, region: string) {
  return {
    RequestId: `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(8).toString('hex').toUpperCase()}`,
    Action: query.Action ?? '',
    Version: query.Version ?? '',
    Service: 'sts',
    Region: region,
  };
}

function send(res: ServerResponse, status: number, body?: unknown) {
  if (res.destroyed) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
