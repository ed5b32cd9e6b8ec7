/**
 * Loads and validates the grants file. Errors name the YAML line and the path of the
 * offending field, so an operator fixes a broken deploy from one message.
 */
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
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

export function parseGrants(text: string, file = 'grants.yaml'): GrantsFile {
  const lineCounter = new LineCounter();
  // uniqueKeys: a key written twice must fail loudly, not let the second silently win.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new GrantsFileError(
      file,
      doc.errors.map((e) => ({ path: '$', line: lineCounter.linePos(e.pos[0]).line, message: e.message })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const parsed = grantsFile.safeParse(doc.toJS());
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
  return parsed.data;
}

export function loadGrants(file: string): GrantsFile {
  return parseGrants(readFileSync(file, 'utf8'), file);
}

function toIssues(error: z.ZodError, lineOf: (path: readonly PropertyKey[]) => number | undefined) {
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
