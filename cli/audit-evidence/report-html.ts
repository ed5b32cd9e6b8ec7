/**
 * The auditor's report: one self-contained HTML file (inline CSS and SVG, no script, no
 * network access) with issuances and refusals over time, top callers and grants, refusal
 * reasons, sessions minted but not confirmed, and the verification of the digest chain.
 * Every bar of every chart is an SVG <rect class="bar">, so its count can be checked.
 */
import type { Finding, VerifyReport } from '../../lib/audit/digest/verify.js';
import type { AuditRecordView } from '../../lib/audit/view.js';

export interface ReportInput {
  from: string;
  to: string;
  generatedAt: string;
  records: AuditRecordView[];
  verify: VerifyReport;
}

/** Decisions where the caller was turned away (some exist only in newer trails). */
const REFUSED = new Set(['DENIED', 'RATE_LIMITED', 'AUDIT_DENIED']);
const OUTCOMES = new Set(['ISSUED', 'FAILED', 'UNKNOWN']);
/** Bin sizes for the time chart: the smallest that gives at most MAX_BINS bins. */
const BIN_MINUTES = [5, 15, 60, 360, 1440, 10_080];
const MAX_BINS = 60;
const TOP = 10;

const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function binMinutes(from: string, to: string): number {
  const minutes = (Date.parse(to) - Date.parse(from)) / 60_000;
  return BIN_MINUTES.find((size) => minutes / size <= MAX_BINS) ?? BIN_MINUTES.at(-1) ?? 1440;
}

function countBy<T>(items: T[], key: (item: T) => string | undefined): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function timeline(input: ReportInput): string {
  const size = binMinutes(input.from, input.to) * 60_000;
  const start = Math.floor(Date.parse(input.from) / size) * size;
  const bins = Math.max(1, Math.ceil((Date.parse(input.to) - start) / size));
  const issued = new Array<number>(bins).fill(0);
  const refused = new Array<number>(bins).fill(0);
  for (const record of input.records) {
    const bin = Math.floor((Date.parse(record.at) - start) / size);
    if (bin < 0 || bin >= bins) continue;
    if (record.decision === 'ISSUED') issued[bin] = (issued[bin] ?? 0) + 1;
    else if (REFUSED.has(record.decision)) refused[bin] = (refused[bin] ?? 0) + 1;
  }
  const width = 760;
  const height = 180;
  const peak = Math.max(1, ...issued, ...refused);
  const slot = width / bins;
  const barWidth = Math.max(1, slot / 2 - 1);
  const bars: string[] = [];
  for (let n = 0; n < bins; n += 1) {
    const label = new Date(start + n * size).toISOString().slice(0, 16).replace('T', ' ');
    for (const [series, values, offset] of [
      ['issued', issued, 0],
      ['refused', refused, barWidth + 1],
    ] as const) {
      const value = values[n] ?? 0;
      if (value === 0) continue;
      const h = Math.max(1, (value / peak) * (height - 20));
      bars.push(
        `<rect class="bar ${series}" x="${(n * slot + offset).toFixed(1)}" y="${(height - h).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}"><title>${label} UTC: ${value} ${series}</title></rect>`,
      );
    }
  }
  return `<svg data-chart="timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Issuances and refusals over time"><line x1="0" y1="${height}" x2="${width}" y2="${height}" class="axis"/>${bars.join('')}</svg>
<p class="legend"><span class="key issued"></span> issued <span class="key refused"></span> refused · one slot per ${binMinutes(input.from, input.to)} minutes, ${html(input.from)} – ${html(input.to)}</p>`;
}

function horizontalBars(chart: string, rows: [string, number][], series: string): string {
  if (rows.length === 0) return '<p class="empty">None in this range.</p>';
  const peak = Math.max(...rows.map(([, value]) => value));
  const rowHeight = 22;
  const body = rows
    .map(([label, value], n) => {
      const w = Math.max(1, (value / peak) * 300);
      const y = n * rowHeight;
      return `<text x="0" y="${y + 15}" class="label">${html(label.length > 60 ? `${label.slice(0, 57)}…` : label)}</text><rect class="bar ${series}" x="420" y="${y + 4}" width="${w.toFixed(1)}" height="14"><title>${html(label)}: ${value}</title></rect><text x="${(425 + w).toFixed(1)}" y="${y + 15}" class="value">${value}</text>`;
    })
    .join('');
  return `<svg data-chart="${chart}" viewBox="0 0 780 ${rows.length * rowHeight}" width="780" height="${rows.length * rowHeight}" role="img">${body}</svg>`;
}

function unconfirmed(records: AuditRecordView[]): AuditRecordView[] {
  const concluded = new Set(records.filter((r) => OUTCOMES.has(r.decision)).map((r) => r.issuanceId));
  return records.filter(
    (r) => r.decision === ('UNKNOWN' as string) || (r.decision === 'INTENT' && !concluded.has(r.issuanceId)),
  );
}

function sessionTable(rows: AuditRecordView[]): string {
  if (rows.length === 0)
    return '<p class="empty">None: every session minted in this range was confirmed.</p>';
  const cells = rows
    .map(
      (r) =>
        `<tr><td>${html(r.at)}</td><td>${html(r.issuanceId)}</td><td>${html(r.decision === 'INTENT' ? 'UNCONFIRMED' : r.decision)}</td><td>${html(r.callerKey)}</td><td>${html(r.grantId ?? '')}</td><td>${html(r.roleArn ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>time (UTC)</th><th>issuance</th><th>status</th><th>caller</th><th>grant</th><th>role</th></tr></thead><tbody>${cells}</tbody></table>`;
}

function verification(report: VerifyReport): string {
  const failures = report.findings.filter((f) => f.code !== 'UNSEALED');
  const status = report.ok
    ? `<p class="ok">Verified: ${report.windows} sealed windows, ${report.records} records, sealed through ${html(report.sealedThrough ?? '—')}. Every signature, link and record holds.</p>`
    : `<p class="fail">${failures.length} problem(s) in ${report.windows} sealed windows (${report.records} records).</p>`;
  const row = (f: Finding) =>
    `<tr class="${f.code === 'UNSEALED' ? 'note' : 'problem'}"><td>${f.code}</td><td>${html(f.recordId ?? '')}</td><td>${html(f.window ? `${f.window.start} – ${f.window.end}` : '')}</td><td>${html(f.detail)}</td></tr>`;
  const table =
    report.findings.length === 0
      ? ''
      : `<table><thead><tr><th>finding</th><th>record</th><th>window</th><th>detail</th></tr></thead><tbody>${report.findings.map(row).join('')}</tbody></table>`;
  return status + table;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:820px;color:#1d2330}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #d8dde6}
.meta{color:#5b6475}.tiles{display:flex;gap:.8rem;flex-wrap:wrap}.tile{border:1px solid #d8dde6;border-radius:6px;padding:.5rem .8rem;min-width:6.5rem}
.tile b{display:block;font-size:1.3rem}.bar.issued,.key.issued{fill:#2f7d4f;background:#2f7d4f}.bar.refused,.key.refused{fill:#c2412d;background:#c2412d}
.bar.caller{fill:#3b6fb6}.bar.grant{fill:#7a55b3}.bar.reason{fill:#c2412d}.axis{stroke:#8a93a3}
.key{display:inline-block;width:.8rem;height:.8rem;margin:0 .2rem 0 .6rem;vertical-align:-1px}.legend,.empty{color:#5b6475}
svg text{font-size:12px;fill:#1d2330}table{border-collapse:collapse;width:100%;font-size:12px}td,th{border-bottom:1px solid #e6e9ef;padding:.25rem .4rem;text-align:left;vertical-align:top}
.ok{color:#2f7d4f;font-weight:600}.fail{color:#c2412d;font-weight:600}tr.problem td:first-child{color:#c2412d;font-weight:600}tr.note td:first-child{color:#5b6475}`;

export function auditReportHtml(input: ReportInput): string {
  const { records } = input;
  const issued = records.filter((r) => r.decision === 'ISSUED');
  const refused = records.filter((r) => REFUSED.has(r.decision));
  const pending = unconfirmed(records);
  const tile = (label: string, value: number | string) => `<div class="tile"><b>${value}</b>${label}</div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Credential broker audit report ${html(input.from)} – ${html(input.to)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>Credential broker audit report</h1>
<p class="meta">${html(input.from)} – ${html(input.to)} (UTC) · generated ${html(input.generatedAt)}</p>
<div class="tiles">${tile('records', records.length)}${tile('issued', issued.length)}${tile('refused', refused.length)}${tile('failed', records.filter((r) => r.decision === 'FAILED').length)}${tile('unconfirmed or unknown', pending.length)}${tile('chain', input.verify.ok ? 'verified' : 'PROBLEMS')}</div>
<h2>Issuances and refusals over time</h2>
${timeline(input)}
<h2>Top callers (issued)</h2>
${horizontalBars('callers', countBy(issued, (r) => r.callerKey).slice(0, TOP), 'caller')}
<h2>Top grants (issued)</h2>
${horizontalBars('grants', countBy(issued, (r) => r.grantId).slice(0, TOP), 'grant')}
<h2>Refusal reasons</h2>
${horizontalBars(
  'reasons',
  countBy(refused, (r) => `${r.decision}: ${r.reason ?? 'no reason'}`),
  'reason',
)}
<h2>Unconfirmed and unknown sessions</h2>
${sessionTable(pending)}
<h2>Verification of the sealed digest chain</h2>
${verification(input.verify)}
</body></html>
`;
}
