/**
 * Golden output of `broker audit` formats for a fixed set of records. Regenerate with
 * UPDATE_GOLDEN=1 after an intended change, and review the diff.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { csvCell, type FormatName, makeFormatter, type Row, tableCell } from '../../../cli/output.js';
import type { AuditRecord } from '../../../lib/audit/record.js';
import { issuanceRecords } from '../../support/audit-records.js';

const GOLDEN_DIR = 'test/unit/cli/golden';

const hostile: Row = {
  ...issuanceRecords(12)[0],
  issuanceId: 'ISS00000099',
  decision: 'DENIED',
  reason: 'no_matching_grant',
  userAgent: '=HYPERLINK("http://evil.example","x")',
  callerPrincipal: 'arn:aws:iam::111111111111:user/\u001b[31mred',
};

/** Two pages, as `--all` would print them: an issued, a failed, a denied and a hostile record. */
const rows = (records: AuditRecord[]): Row[] => records.map((record) => ({ ...record }));
const pages: Row[][] = [
  rows(issuanceRecords(3).reverse()),
  rows(issuanceRecords(1).reverse()),
  [...rows(issuanceRecords(10)), hostile],
];

function render(format: FormatName): string {
  const formatter = makeFormatter(format);
  return pages.map((page) => formatter.page(page)).join('') + formatter.end();
}

function assertGolden(name: string, actual: string) {
  const file = `${GOLDEN_DIR}/${name}`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'));
}

describe('broker audit output', () => {
  it('prints a table that matches the golden file', () => {
    // Act
    const table = render('table');
    // Assess
    assertGolden('audit-table.txt', table);
    assert.ok(!table.includes('\u001b'), 'no escape sequence reaches the terminal');
  });

  it('prints csv that matches the golden file, formulas neutralized', () => {
    // Act
    const csv = render('csv');
    // Assess
    assertGolden('audit.csv', csv);
    assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`));
  });

  it('prints ndjson and a json array that parse back to the records', () => {
    // Act
    const ndjson = render('ndjson');
    const json = render('json');
    // Assess
    const all = pages.flat();
    assert.deepEqual(
      ndjson
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
      all,
    );
    assert.deepEqual(JSON.parse(json), all);
    assert.equal(makeFormatter('json').end(), '[]\n');
  });

  it('prints a header for an empty csv and says so for an empty table', () => {
    // Act
    const csv = makeFormatter('csv').end();
    const table = makeFormatter('table').end();
    // Assess
    assert.match(csv, /^at,decision,issuanceId,/);
    assert.equal(table, '(no records)\n');
  });

  it('escapes csv cells per RFC 4180 and bounds table cells', () => {
    // Act
    const cells = [csvCell('a,b'), csvCell('say "hi"'), csvCell('-1'), csvCell(-1), csvCell(undefined)];
    // Assess
    assert.deepEqual(cells, ['"a,b"', '"say ""hi"""', "'-1", '-1', '']);
    assert.equal(tableCell('x'.repeat(200)).length, 80);
  });
});
