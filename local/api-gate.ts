/**
 * The local API's front door: a loopback HTTP proxy in front of serverless-offline that
 * (1) lets at most `maxInFlight` requests into it at once and queues the rest, and
 * (2) never passes on a Lambda error or timeout as HTTP 200.
 *
 * Why: serverless-offline starts one worker thread, cold, per concurrent call. A burst of
 * 40 on a 2-core machine started 40 workers that each loaded the bundle, and most ran past
 * the function timeout. Bounded like a Lambda function's reserved concurrency, the burst
 * reuses a few warm workers instead. And for HTTP API (payload 2.0) serverless-offline
 * answers a handler that threw, failed to load or timed out with `200
 * {"errorMessage":…,"errorType":…}`; API Gateway answers 5xx there, and a client must not
 * read a failure as a success. The gate turns those into problem+json 502 (error) or 504
 * (timeout). It forwards bytes unchanged (SigV4 covers the body) and keeps the Host header.
 */
import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { listenOnLoopback } from './ports.js';

export interface ApiGateOptions {
  /** Port the gate listens on (127.0.0.1); 0 → a free one, bound at once. */
  port: number;
  maxInFlight: number;
  /** Where the gate reports a Lambda failure it rewrote (never the request body). */
  onLambdaFailure?: (line: string) => void;
}

export interface ApiGate {
  /** The port the gate is bound to. */
  port: number;
  /**
   * Starts forwarding to serverless-offline on this loopback port. The gate binds its own
   * port before serverless-offline is up, so no one can take it meanwhile; requests that
   * arrive before this wait for it.
   */
  connect(upstreamPort: number): void;
  stop(): Promise<void>;
}

const PROBLEM_TYPE_BASE = 'https://github.com/credential-broker/problems/';

export async function startApiGate(options: ApiGateOptions): Promise<ApiGate> {
  let connect: (upstreamPort: number) => void = () => undefined;
  const upstreamPort = new Promise<number>((resolve) => {
    connect = resolve;
  });
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxInFlight });
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  const admit = () =>
    new Promise<void>((resolve) => {
      if (inFlight < options.maxInFlight) {
        inFlight++;
        resolve();
      } else waiting.push(resolve);
    });
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };

  const server = createServer((incoming, outgoing) => {
    // Read the body first: a queued request must not hold the client's upload open.
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void upstreamPort.then(async (port) => {
        await admit();
        await forward(incoming, Buffer.concat(chunks), outgoing, port, options, agent).finally(release);
      });
    });
  });
  const port = await listenOnLoopback(server, options.port);
  return {
    port,
    connect,
    stop: async () => {
      agent.destroy();
      await closeServer(server);
    },
  };
}

function forward(
  incoming: IncomingMessage,
  body: Buffer,
  outgoing: ServerResponse,
  upstreamPort: number,
  options: ApiGateOptions,
  agent: Agent,
): Promise<void> {
  return new Promise((resolve) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const payload = Buffer.concat(chunks);
          const failure = lambdaFailure(response.statusCode ?? 0, response.headers, payload);
          if (failure === undefined) {
            outgoing.writeHead(response.statusCode ?? 502, response.headers);
            outgoing.end(payload);
          } else {
            options.onLambdaFailure?.(
              `api-gate: ${incoming.method} ${incoming.url} → ${failure.status}: ${failure.message}`,
            );
            sendProblem(outgoing, failure.status, failure.code, failure.detail);
          }
          resolve();
        });
        response.on('error', () => {
          sendProblem(outgoing, 502, 'local_lambda_error', 'The local API dropped the response.');
          resolve();
        });
      },
    );
    upstream.on('error', () => {
      sendProblem(outgoing, 502, 'local_lambda_error', 'The local API is not answering.');
      resolve();
    });
    upstream.end(body);
  });
}

interface LambdaFailure {
  status: 502 | 504;
  code: 'local_lambda_error' | 'local_lambda_timeout';
  detail: string;
  message: string;
}

/**
 * serverless-offline's rendering of a failed invocation: a JSON object with a string
 * `errorMessage` and `errorType` (and maybe `stackTrace`), nothing else. No route of the
 * broker answers that shape.
 */
export function lambdaFailure(
  status: number,
  headers: IncomingHttpHeaders,
  payload: Buffer,
): LambdaFailure | undefined {
  if (status >= 300 || !String(headers['content-type'] ?? '').includes('json')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded(payload, headers['content-encoding']).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { errorMessage, errorType, ...rest } = parsed as Record<string, unknown>;
  const extra = Object.keys(rest).filter((key) => key !== 'stackTrace');
  if (typeof errorMessage !== 'string' || typeof errorType !== 'string' || extra.length > 0) return undefined;
  const message = `${errorType}: ${errorMessage}`;
  return errorType === 'LambdaTimeoutError' || errorMessage.includes('[504]')
    ? {
        status: 504,
        code: 'local_lambda_timeout',
        detail: 'The function did not answer within its timeout.',
        message,
      }
    : { status: 502, code: 'local_lambda_error', detail: 'The function failed; see the stack log.', message };
}

/** The body as sent, to inspect only: serverless-offline compresses when the client accepts it. */
function decoded(payload: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(payload);
  if (encoding === 'deflate') return inflateSync(payload);
  if (encoding === 'br') return brotliDecompressSync(payload);
  return payload;
}

function sendProblem(outgoing: ServerResponse, status: number, code: string, detail: string): void {
  if (outgoing.headersSent) {
    outgoing.destroy();
    return;
  }
  const title = status === 504 ? 'Gateway timeout' : 'Bad gateway';
  outgoing.writeHead(status, {
    'Content-Type': 'application/problem+json',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  const problem = {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title,
    status,
    detail,
    code,
    requestId: randomUUID(),
  };
  outgoing.end(JSON.stringify(problem));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
