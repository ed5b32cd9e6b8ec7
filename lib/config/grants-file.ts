/**
 * Validation of a grants file's content, and the compiled form the functions read.
 *
 * The grants file is YAML for people (./grants.ts parses it, with line numbers). Packaging
 * and the local stack compile it to JSON once (`check-grants --compile`), so a function's
 * cold start reads JSON and validates it with the same schema and ceiling checks, without
 * loading a YAML parser (about a sixth of a bundle, and of its import time).
 */
import { readFileSync } from 'node:fs';
import type * as z from 'zod';
import { checkCeilingPolicies } from './grants-policies.js';
import { type GrantsFile, grantsFile } from './grants-schema.js';

export interface GrantsFileIssue {
  path: string;
  line?: number;
  message: string;
}

export class GrantsFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: GrantsFileIssue[],
  ) {
    super(`${file}: invalid grants file\n${issues.map((i) => `  ${formatIssue(file, i)}`).join('\n')}`);
    this.name = 'GrantsFileError';
  }
}

const formatIssue = (file: string, issue: GrantsFileIssue) =>
  `${file}${issue.line === undefined ? '' : `:${issue.line}`} ${issue.path}: ${issue.message}`;

/** Where a path of the document was written, when the source knows (YAML does, JSON does not). */
export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

/**
 * The schema, then the ceiling policies; every issue named by path (and line, when known).
 * The grants come back deeply frozen.
 */
export function validateGrants(value: unknown, file: string, lineOf: LineOf = () => undefined): GrantsFile {
  // Parsed once per cold start (or per check): zod's compiled fast path would cost more to
  // generate than it saves on one parse.
  const parsed = grantsFile.safeParse(value, { jitless: true });
  if (!parsed.success) throw new GrantsFileError(file, toIssues(parsed.error, lineOf));
  const policyIssues = checkCeilingPolicies(parsed.data);
  if (policyIssues.length > 0) {
    throw new GrantsFileError(
      file,
      policyIssues.map((issue) => ({
        ...issue,
        path: toPath(issue.pathSegments),
        line: lineOf(issue.pathSegments),
      })),
    );
  }
  // Grants are read-only once loaded: a grant's session-policy ceiling and allow-lists are
  // derived once and cached per grant, so a change to the object would silently diverge
  // from what is enforced. Frozen, a write throws instead.
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The compiled grants file (JSON), validated as at packaging time. */
export function loadCompiledGrants(file: string): GrantsFile {
  if (!file.endsWith('.json')) {
    throw new GrantsFileError(file, [
      {
        path: '$',
        message: 'functions read the compiled grants file (JSON); compile it with check-grants --compile',
      },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GrantsFileError(file, [
      { path: '$', message: error instanceof Error ? error.message : String(error) },
    ]);
  }
  return validateGrants(value, file);
}

function toIssues(error: z.ZodError, lineOf: LineOf) {
  return error.issues.map((issue) => ({
    path: toPath(issue.path),
    line: lineOf(issue.path),
    message: issue.message,
  }));
}

const toPath = (segments: readonly PropertyKey[]) =>
  segments.reduce<string>(
    (path, s) => (typeof s === 'number' ? `${path}[${s}]` : `${path}.${String(s)}`),
    '$',
  );
