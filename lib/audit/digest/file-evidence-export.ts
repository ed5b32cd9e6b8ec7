/** Evidence export to a folder (the local stage: `.local/audit-evidence/`), one file per window. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evidenceFileName, evidenceFileText } from './evidence-file.js';
import type { EvidenceExport } from './ports.js';

export function makeFileEvidenceExport(directory: string): EvidenceExport {
  return {
    async put(digest, records) {
      mkdirSync(directory, { recursive: true });
      writeFileSync(join(directory, evidenceFileName(digest)), evidenceFileText(digest, records));
    },
  };
}
