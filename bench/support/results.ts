/**
 * Appends one dated row per run to bench/RESULTS.md: the one table every bench shares
 * (| Date | Command | Figures |), newest last, so rows of other benches (policy, audit
 * query) are kept and the history reads in order.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type Figure, formatNumber, summarize } from './stats.js';

const RESULTS_FILE = 'bench/RESULTS.md';
const HEADER =
  '# Benchmark results\n\nOne row per run: date, the command, and the figures it printed. Machine noted when it matters.\n\n| Date | Command | Figures |\n|---|---|---|\n';

export function machine(): string {
  // Other work on a shared 2-core box moves p99 figures most: the 1-minute load says how busy it was.
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  return `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, node ${process.version}, load ${load}`;
}

/** Each figure reads "name median unit (min …)"; `notes` follow the figures. */
export function appendResult(options: { command: string; figures: Figure[]; notes?: string }): void {
  const figures = options.figures.map((figure) => {
    const { min, median } = summarize(figure);
    const spread = figure.values.length > 1 ? ` (min ${formatNumber(min)})` : '';
    return `${figure.name} ${formatNumber(median)} ${figure.unit}${spread}`;
  });
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const text = [figures.join('; '), options.notes?.replace(/;\s*$/, ''), machine()]
    .filter(Boolean)
    .join('. ');
  const row = `| ${date} UTC | \`${options.command}\` | ${text.replaceAll('|', '/')} |\n`;
  if (!existsSync(RESULTS_FILE)) writeFileSync(RESULTS_FILE, HEADER);
  const current = readFileSync(RESULTS_FILE, 'utf8');
  appendFileSync(RESULTS_FILE, current.endsWith('\n') ? row : `\n${row}`);
  console.log(`\nappended a row to ${RESULTS_FILE}`);
}
