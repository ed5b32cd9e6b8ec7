/**
 * Output formats of `broker audit`. csv, ndjson and json stream page by page, so an
 * `--all` export of a million records never sits in memory; table needs every row for
 * its column widths and is meant for a screenful.
 *
 * Record fields can hold caller-controlled text (userAgent, principal names): csv cells
 * that a spreadsheet would run as a formula are neutralized, and table cells lose
 * control characters so a crafted user agent cannot drive the auditor's terminal.
 */
import { AUDIT_RECORD_FIELDS, type AuditRecordField } from '../lib/contracts/audit-record.js';

export type Row = Record<string, unknown>;
export type FormatName = 'table' | 'json' | 'csv' | 'ndjson';
export const FORMATS: readonly FormatName[] = ['table', 'json', 'csv', 'ndjson'];

export interface Formatter {
  /** Text for one page of rows (possibly empty). */
  page(rows: Row[]): string;
  /** Text after the last page. */
  end(): string;
}

/** Every field of an audit record, in the order compliance exports expect (the contract's list). */
export const CSV_COLUMNS = AUDIT_RECORD_FIELDS;

/** The fields that fit a screen, in the same order. */
export const TABLE_COLUMNS = [
  'at',
  'decision',
  'issuanceId',
  'callerPrincipal',
  'grantId',
  'accessKeyId',
  'expiration',
  'reason',
] as const satisfies readonly AuditRecordField[];

export function makeFormatter(format: FormatName): Formatter {
  switch (format) {
    case 'ndjson':
      return { page: (rows) => rows.map((row) => `${JSON.stringify(row)}\n`).join(''), end: () => '' };
    case 'json':
      return jsonArray();
    case 'csv':
      return csv();
    case 'table':
      return table();
  }
}

function jsonArray(): Formatter {
  let count = 0;
  return {
    page: (rows) => rows.map((row) => `${count++ === 0 ? '[\n' : ',\n'}  ${JSON.stringify(row)}`).join(''),
    end: () => (count === 0 ? '[]\n' : '\n]\n'),
  };
}

function csv(): Formatter {
  let headerWritten = false;
  return {
    page(rows) {
      const header = headerWritten ? '' : `${CSV_COLUMNS.join(',')}\r\n`;
      headerWritten = true;
      return header + rows.map((row) => `${CSV_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`).join('');
    },
    end: () => (headerWritten ? '' : `${CSV_COLUMNS.join(',')}\r\n`),
  };
}

/** RFC 4180 quoting; a leading = + - @ (or tab/CR) is prefixed with ' so no cell is a formula. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function table(): Formatter {
  const rows: string[][] = [];
  return {
    page(page) {
      for (const row of page) rows.push(TABLE_COLUMNS.map((c) => tableCell(row[c])));
      return '';
    },
    end: () => (rows.length === 0 ? '(no records)\n' : textTable([...TABLE_COLUMNS], rows)),
  };
}

/** Columns padded to their widest cell, under a header and a rule; cells already made safe. */
export function textTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((name, n) => Math.max(name.length, ...rows.map((row) => row[n]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    `${cells
      .map((cell, n) => cell.padEnd(widths[n] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  return line(header) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join('');
}

const MAX_TABLE_CELL = 80;

/** Text of several lines for the terminal: line breaks kept, every other control character replaced. */
export const terminalText = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point.
  text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '?');

export function tableCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point.
  const text = String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return text.length > MAX_TABLE_CELL ? `${text.slice(0, MAX_TABLE_CELL - 1)}…` : text;
}
