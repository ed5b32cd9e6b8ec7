/**
 * Loads and validates the grants file (YAML). Errors name the YAML line and the path of the
 * offending field, so an operator fixes a broken deploy from one message. The functions
 * read its compiled JSON form instead (./grants-file.ts).
 */
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { GrantsFileError, validateGrants } from './grants-file.js';
import type { GrantsFile } from './grants-schema.js';

export { GrantsFileError, type GrantsFileIssue } from './grants-file.js';

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
  return validateGrants(doc.toJS(), file, lineOf);
}

export function loadGrants(file: string): GrantsFile {
  return parseGrants(readFileSync(file, 'utf8'), file);
}

/**
 * The compiled form of a grants file, as the functions read it (./grants-file.ts): the
 * document as written, as JSON, once it has passed the same validation.
 */
export function compileGrants(file: string): string {
  const text = readFileSync(file, 'utf8');
  parseGrants(text, file);
  return `${JSON.stringify(parseDocument(text, { uniqueKeys: true }).toJS())}\n`;
}
