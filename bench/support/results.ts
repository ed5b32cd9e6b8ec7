/**
 * Appends one dated row per run to bench/RESULTS.md, under the bench's own heading, so the
 * file keeps a history that other benches (policy, audit) share without clobbering.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type Figure, formatNumber, summarize } from './stats.js';

const RESULTS_FILE = 'bench/RESULTS.md';

export function machine(): string {
  // Other work on a shared 2-core box moves p99 figures most: the 1-minute load says how busy it was.
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  return `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, node ${process.version}, load ${load}`;
}

/** `figures` become one cell each: "median (min)"; `notes` is free text for the last column. */
export function appendResult(options: {
  bench: string;
  command: string;
  figures: Figure[];
  notes?: string;
}): void {
  const heading = `## ${options.bench}`;
  const header = `| date | command | ${options.figures.map((f) => `${f.name} (${f.unit})`).join(' | ')} | notes |`;
  const rule = `|${' --- |'.repeat(options.figures.length + 3)}`;
  const cells = options.figures.map((figure) => {
    const { min, median } = summarize(figure);
    return `${formatNumber(median)} (min ${formatNumber(min)})`;
  });
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const row = `| ${date} UTC | \`${options.command}\` | ${cells.join(' | ')} | ${options.notes ?? ''} ${machine()} |`;

  let text = existsSync(RESULTS_FILE)
    ? readFileSync(RESULTS_FILE, 'utf8')
    : '# Benchmark results\n\nEach row: median over repetitions (min in brackets). Newest last.\n';
  const start = text.indexOf(`\n${heading}\n`);
  if (start === -1) {
    text = `${text.trimEnd()}\n\n${heading}\n\n${header}\n${rule}\n${row}\n`;
  } else {
    // Insert after the last table line of this section; a changed header starts a new table.
    const sectionStart = start + 1;
    const next = text.indexOf('\n## ', sectionStart + heading.length);
    const sectionEnd = next === -1 ? text.length : next + 1;
    const section = text.slice(sectionStart, sectionEnd).trimEnd();
    const lastHeader = section.lastIndexOf('\n| date |');
    const sameHeader = lastHeader !== -1 && section.slice(lastHeader + 1).startsWith(header);
    const updated = sameHeader ? `${section}\n${row}\n` : `${section}\n\n${header}\n${rule}\n${row}\n`;
    text = `${text.slice(0, sectionStart)}${updated}${next === -1 ? '' : `\n${text.slice(sectionEnd)}`}`;
  }
  writeFileSync(RESULTS_FILE, text);
  console.log(`\nappended to ${RESULTS_FILE} under "${heading}"`);
}
