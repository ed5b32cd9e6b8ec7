/**
 * The audit report as a person sees it: rendered by headless Chromium (Debian's
 * `chromium`, installed with apt-get when missing, as in CI), with every network request
 * refused, and the charts counted bar by bar for a data set whose answer is worked out by
 * hand below. A screenshot is kept in .test-tmp/audit-report/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { auditReportHtml } from '../../cli/audit-evidence/report-html.js';
import type { AuditRecordView } from '../../lib/audit/view.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join('.test-tmp', 'audit-report');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const record = (
  n: number,
  at: string,
  decision: string,
  extra: Partial<AuditRecordView> = {},
): AuditRecordView =>
  ({
    issuanceId: `REP${String(n).padStart(4, '0')}`,
    decision,
    at,
    callerKey: 'aws:111111111111:role/reporting-service',
    callerPrincipal: 'arn:aws:iam::111111111111:role/reporting-service',
    callerKind: 'aws',
    grantId: 'reports-reader',
    ...extra,
  }) as AuditRecordView;

/**
 * Three hours: 5-minute slots. Issued in slot 0 (two) and slot 12 (one); refused in slot 0
 * (one) and slot 30 (two): 4 bars. Two callers and two grants were issued credentials; two
 * refusal reasons; one INTENT without outcome.
 */
const RECORDS: AuditRecordView[] = [
  record(1, '2026-06-01T00:02:00.000Z', 'ISSUED'),
  record(2, '2026-06-01T00:03:00.000Z', 'ISSUED', {
    callerKey: 'aws:111111111111:role/rotation-job',
    grantId: 'doris-vault-rotation',
  }),
  record(3, '2026-06-01T00:04:00.000Z', 'DENIED', { reason: 'no_matching_grant' }),
  record(4, '2026-06-01T01:00:00.000Z', 'ISSUED'),
  record(5, '2026-06-01T02:30:00.000Z', 'DENIED', { reason: 'no_matching_grant' }),
  record(6, '2026-06-01T02:31:00.000Z', 'DENIED', { reason: 'duration_out_of_range' }),
  record(7, '2026-06-01T02:40:00.000Z', 'INTENT'),
];

let profile: string;
let context: BrowserContext;
const requested: string[] = [];

before(async () => {
  if (!existsSync(CHROMIUM)) {
    // CI runs as root on Debian: the browser comes from the distribution, not a download.
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      stdio: 'ignore',
      env,
    });
  }
  mkdirSync(OUT, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'report-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 900, height: 1400 },
  });
  // A self-contained report needs nothing but its own file.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requested.push(url);
    return route.abort();
  });
});
after(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe('audit report in a browser', () => {
  it('draws the expected bars, loads nothing from the network, and is kept as a screenshot', async () => {
    // Prepare
    const file = resolve(OUT, 'report.html');
    writeFileSync(
      file,
      auditReportHtml({
        from: '2026-06-01T00:00:00.000Z',
        to: '2026-06-01T03:00:00.000Z',
        generatedAt: '2026-06-02T00:00:00.000Z',
        records: RECORDS,
        verify: {
          ok: true,
          windows: 36,
          records: RECORDS.length,
          sealedThrough: '2026-06-01T03:00:00.000Z',
          findings: [],
        },
      }),
    );
    const page = await context.newPage();
    // Act
    await page.goto(pathToFileURL(file).href);
    const bars = (chart: string) => page.locator(`svg[data-chart="${chart}"] rect.bar`).count();
    const counts = {
      timeline: await bars('timeline'),
      issued: await page.locator('svg[data-chart="timeline"] rect.bar.issued').count(),
      callers: await bars('callers'),
      grants: await bars('grants'),
      reasons: await bars('reasons'),
    };
    const drawn = await page.locator('svg[data-chart="timeline"] rect.bar').first().boundingBox();
    const unconfirmedRows = await page.locator('table tbody tr').count();
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    // Assess
    assert.deepEqual(counts, { timeline: 4, issued: 2, callers: 2, grants: 2, reasons: 2 });
    assert.ok(drawn && drawn.width > 0 && drawn.height > 0, 'the bars have a size on screen');
    assert.equal(unconfirmedRows, 1);
    assert.match((await page.locator('.ok').textContent()) ?? '', /^Verified: 36 sealed windows/);
    assert.deepEqual(requested, []);
    assert.ok(existsSync(join(OUT, 'report.png')));
  });
});
