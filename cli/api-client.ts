/**
 * Signed GETs to the broker API for the CLI, with the response sorted into what the
 * command needs to decide its exit code: a JSON body, a problem, or no answer at all.
 */
import { type BrokerCredentials, signedFetch } from '../lib/client/signed-fetch.js';

export type ApiResult =
  | { kind: 'ok'; body: unknown }
  | {
      kind: 'problem';
      status: number;
      title: string;
      detail?: string;
      code?: string;
      requestId?: string;
      fields: string[];
    }
  | { kind: 'unreachable'; reason: string };

export interface ApiTarget {
  endpoint: string;
  credentials: BrokerCredentials;
  region: string;
  timeoutMs: number;
}

export async function getJson(target: ApiTarget, path: string, query: URLSearchParams): Promise<ApiResult> {
  const base = target.endpoint.replace(/\/+$/, '');
  const search = query.toString();
  const url = `${base}${path}${search ? `?${search}` : ''}`;
  let response: Response;
  try {
    response = await signedFetch(
      url,
      { method: 'GET', region: target.region, signal: AbortSignal.timeout(target.timeoutMs) },
      target.credentials,
    );
  } catch (error) {
    return { kind: 'unreachable', reason: `cannot reach ${base}: ${networkReason(error)}` };
  }
  const text = await response.text();
  const body = parseJson(text);
  if (response.ok && body !== undefined) return { kind: 'ok', body };
  return toProblem(response.status, body);
}

function toProblem(status: number, body: unknown): ApiResult {
  const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (name: string) => (typeof problem[name] === 'string' ? (problem[name] as string) : undefined);
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  return {
    kind: 'problem',
    status,
    // API Gateway's own refusals are {"message": "..."}, not problem+json.
    title: text('title') ?? text('message') ?? `HTTP ${status}`,
    detail: text('detail'),
    code: text('code'),
    requestId: text('requestId'),
    fields: errors.flatMap((issue: unknown) => {
      if (typeof issue !== 'object' || issue === null) return [];
      const { path, message } = issue as { path?: unknown; message?: unknown };
      return [`${String(path)}: ${String(message)}`];
    }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return (cause as { code?: string }).code ?? cause.message;
  return error instanceof Error ? error.message : 'unknown error';
}
