/**
 * Figures shared by the benches: percentiles of one repetition, then min and median of
 * each figure across repetitions (the min shows what the code can do, the median what it
 * usually does on a busy 2-core machine), printed as an aligned table.
 */

export function percentile(sortedAscending: number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sortedAscending.length) - 1;
  return sortedAscending[Math.min(Math.max(rank, 0), sortedAscending.length - 1)] ?? Number.NaN;
}

export interface Distribution {
  p50: number;
  p99: number;
  mean: number;
  count: number;
}

export function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((x, y) => x - y);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sum / sorted.length,
    count: sorted.length,
  };
}

export const median = (values: number[]) =>
  percentile(
    [...values].sort((x, y) => x - y),
    50,
  );
export const min = (values: number[]) => Math.min(...values);

/** One figure measured once per repetition. */
export interface Figure {
  name: string;
  unit: string;
  values: number[];
  target?: string;
}

export const summarize = (figure: Figure) => ({ min: min(figure.values), median: median(figure.values) });

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

export function printTable(title: string, figures: Figure[]): void {
  const rows = [
    ['figure', 'unit', 'min', 'median', 'reps', 'target'],
    ...figures.map((figure) => {
      const { min: low, median: mid } = summarize(figure);
      return [
        figure.name,
        figure.unit,
        formatNumber(low),
        formatNumber(mid),
        String(figure.values.length),
        figure.target ?? '',
      ];
    }),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  console.log(`\n${title}`);
  for (const [index, row] of rows.entries()) {
    console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
}
