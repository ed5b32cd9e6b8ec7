/**
 * SSM Parameter Store on 127.0.0.1, as much of it as the broker uses: GetParameter (AWS
 * JSON 1.1, `X-Amz-Target: AmazonSSM.GetParameter`) on SecureString parameters. Like the
 * real service it answers a SecureString without `WithDecryption` with ciphertext, and an
 * unknown name with ParameterNotFound. With `identities`, every request must carry a valid
 * SigV4 signature (service `ssm`) of one of them. Dev and test only, never deployed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type SigningIdentity, verifySigV4 } from '../auth/sigv4-verifier.js';
import { flatHeaders, readBody, send } from '../aws-sts-emulator/http.js';
import { listenOnLoopback } from '../ports.js';

export interface SsmEmulatorOptions {
  port: number;
  /** name → value, all SecureStrings. */
  parameters: Record<string, string>;
  identities?: readonly SigningIdentity[];
}

export interface SsmCall {
  target: string;
  name: string | undefined;
  withDecryption: boolean;
}

export interface SsmEmulator {
  url: string;
  calls(): readonly SsmCall[];
  /** Sets or rotates a parameter (a new version). */
  put(name: string, value: string): void;
  stop(): Promise<void>;
}

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const MAX_SKEW_MS = 5 * 60 * 1000;

interface Parameter {
  value: string;
  version: number;
}

class SsmError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startSsmEmulator(options: SsmEmulatorOptions): Promise<SsmEmulator> {
  const parameters = new Map<string, Parameter>(
    Object.entries(options.parameters).map(([name, value]) => [name, { value, version: 1 }]),
  );
  const identities = new Map((options.identities ?? []).map((i) => [i.accessKeyId, i]));
  const calls: SsmCall[] = [];

  async function authenticate(request: IncomingMessage, body: Buffer): Promise<void> {
    if (options.identities === undefined) return;
    const result = await verifySigV4(
      {
        method: request.method ?? 'POST',
        path: (request.url ?? '/').split('?')[0] ?? '/',
        query: (request.url ?? '').split('?')[1] ?? '',
        headers: flatHeaders(request),
        body,
      },
      { service: 'ssm', lookup: (id) => identities.get(id), now: new Date(), maxSkewMs: MAX_SKEW_MS },
    );
    if (!result.ok) {
      throw result.code === 'unknown_key'
        ? new SsmError(
            400,
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
          )
        : new SsmError(
            400,
            'InvalidSignatureException',
            'The request signature we calculated does not match.',
          );
    }
  }

  function getParameter(input: { Name?: unknown; WithDecryption?: unknown }) {
    const name = typeof input.Name === 'string' ? input.Name : '';
    const parameter = parameters.get(name);
    if (!parameter) throw new SsmError(400, 'ParameterNotFound', '');
    const decrypt = input.WithDecryption === true;
    return {
      Parameter: {
        Name: name,
        Type: 'SecureString',
        // Without decryption SSM hands out the KMS ciphertext, never the value.
        Value: decrypt
          ? parameter.value
          : Buffer.from(`ciphertext:${name}:${parameter.version}`).toString('base64'),
        Version: parameter.version,
        LastModifiedDate: Date.now() / 1000,
        ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name.replace(/^\//, '')}`,
        DataType: 'text',
      },
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const body = await readBody(request);
      await authenticate(request, body);
      const target = String(request.headers['x-amz-target'] ?? '');
      const input = JSON.parse(body.toString('utf8') || '{}') as { Name?: unknown; WithDecryption?: unknown };
      calls.push({
        target,
        name: typeof input.Name === 'string' ? input.Name : undefined,
        withDecryption: input.WithDecryption === true,
      });
      if (target !== 'AmazonSSM.GetParameter') {
        throw new SsmError(400, 'UnknownOperationException', `${target} is not emulated`);
      }
      send(response, 200, 'application/x-amz-json-1.1', JSON.stringify(getParameter(input)));
    } catch (error) {
      const failure =
        error instanceof SsmError ? error : new SsmError(400, 'SerializationException', 'bad request');
      send(
        response,
        failure.status,
        'application/x-amz-json-1.1',
        JSON.stringify({ __type: failure.type, message: failure.message }),
      );
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  const port = await listenOnLoopback(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    put(name, value) {
      const version = (parameters.get(name)?.version ?? 0) + 1;
      parameters.set(name, { value, version });
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
