/**
 * A loopback HTTP proxy in front of dynalite that can make DynamoDB fail on cue, so the
 * fault tests can break the audit trail at an exact step (before STS, between STS and
 * the ISSUED record) while the data behind it stays intact for the assertions.
 *
 * The broker points at it through AWS_ENDPOINT_URL_DYNAMODB; the target is set once the
 * local stack (and so dynalite) is up, and until then every request gets a 503.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface DynamoCall {
  operation: string;
  /** The `decision` of a PutItem's audit record, when there is one. */
  decision?: string;
}

export interface DynamoFault {
  operation: string;
  decision?: string;
  /** `error`: answer 500 InternalServerError. `cut`: drop this and every later connection. */
  effect: 'error' | 'cut';
}

export interface DynamoFaultProxy {
  url: string;
  setTarget(url: string): void;
  /** DynamoDB unreachable: every open and new connection is reset until heal(). */
  unplug(): void;
  failWhen(fault: DynamoFault): void;
  heal(): void;
  /** Requests seen since the last heal(), including failed ones. */
  calls: DynamoCall[];
  stop(): Promise<void>;
}

const readAll = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

function describe(request: IncomingMessage, body: Buffer): DynamoCall {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.slice(target.indexOf('.') + 1);
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { Item?: { decision?: { S?: string } } };
    const decision = parsed.Item?.decision?.S;
    return decision === undefined ? { operation } : { operation, decision };
  } catch {
    return { operation };
  }
}

const matches = (fault: DynamoFault, call: DynamoCall) =>
  fault.operation === call.operation && (fault.decision === undefined || fault.decision === call.decision);

export async function startDynamoFaultProxy(): Promise<DynamoFaultProxy> {
  let target: URL | undefined;
  let unplugged = false;
  let faults: DynamoFault[] = [];
  const calls: DynamoCall[] = [];
  const sockets = new Set<Socket>();

  const cutAll = () => {
    unplugged = true;
    for (const socket of sockets) socket.destroy();
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const body = await readAll(request);
    const call = describe(request, body);
    calls.push(call);
    const fault = faults.find((f) => matches(f, call));
    if (unplugged || fault?.effect === 'cut') {
      cutAll();
      return;
    }
    if (fault?.effect === 'error' || target === undefined) {
      const status = target === undefined ? 503 : 500;
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: 'injected',
        }),
      );
      return;
    }
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    upstream.end(body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    if (unplugged) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setTarget: (url) => {
      target = new URL(url);
    },
    unplug: cutAll,
    failWhen: (fault) => {
      faults.push(fault);
    },
    heal: () => {
      unplugged = false;
      faults = [];
      calls.splice(0, calls.length);
    },
    calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
