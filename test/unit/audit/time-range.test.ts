import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRange, dayScan, daysNewestFirst } from '../../../lib/audit/time-range.js';
import { parseInstant } from '../../../lib/contracts/instant.js';

describe('parseInstant', () => {
  it('reads ISO 8601 with a zone, a bare UTC date, epoch seconds and epoch milliseconds', () => {
    // Prepare
    const forms = [
      '2025-03-10T14:02:00Z',
      '2025-03-10T16:02:00+02:00',
      '2025-03-10T16:02:00+0200',
      '2025-03-10T14:02:00.000000Z',
      '1741615320',
      '1741615320000',
    ];
    // Act
    const parsed = forms.map(parseInstant);
    // Assess
    assert.deepEqual(parsed, Array(forms.length).fill('2025-03-10T14:02:00.000Z'));
    assert.equal(parseInstant('2025-03-10'), '2025-03-10T00:00:00.000Z');
  });

  it('refuses instants without a zone, impossible dates and out-of-range numbers', () => {
    // Prepare
    const refused = [
      '2025-03-10T14:02:00',
      '2025-02-30',
      '2025-03-10T24:00:00Z',
      'yesterday',
      '1e12',
      '-5',
      '',
      '12',
    ];
    // Act
    const parsed = refused.map(parseInstant);
    // Assess
    assert.deepEqual(parsed, Array(refused.length).fill(undefined));
  });
});

describe('time ranges', () => {
  it('refuses an empty or inverted range', () => {
    // Act
    const equal = () => checkRange({ from: '2025-03-10T00:00:00.000Z', to: '2025-03-10T00:00:00.000Z' });
    // Assess
    assert.throws(equal, { code: 'invalid_range', status: 400 });
    assert.doesNotThrow(() => checkRange({ from: '2025-03-10T00:00:00.000Z' }));
  });

  it('lists the UTC days of [from, to) newest first, leaving out a day that `to` only touches', () => {
    // Act
    const days = daysNewestFirst('2025-02-27T23:00:00.000Z', '2025-03-02T00:00:00.000Z');
    // Assess
    assert.deepEqual(days, ['2025-03-01', '2025-02-28', '2025-02-27']);
  });

  it('defaults a byDay range to the last 24 hours and bounds its width', () => {
    // Prepare
    const now = new Date('2025-03-10T12:00:00.000Z');
    const options = { defaultHours: 24, maxDays: 31 };
    // Act
    const scan = dayScan({}, now, options);
    const wide = () =>
      dayScan({ from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:01.000Z' }, now, options);
    // Assess
    assert.deepEqual(scan.days, ['2025-03-10', '2025-03-09']);
    assert.equal(scan.range.from, '2025-03-09T12:00:00.001Z');
    assert.throws(wide, { code: 'range_too_wide' });
    assert.doesNotThrow(() =>
      dayScan({ from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' }, now, options),
    );
  });
});
