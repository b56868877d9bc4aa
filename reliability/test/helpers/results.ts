// What the suite observed, row by row, for docs/reliability.md. Each test file
// records the rows its assertions established and writes them to
// results/<file>.json when it ends; scripts/report.mjs renders the Markdown.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ResultRow {
  /** The condition: the fault, input or workload. */
  readonly fault: string;
  /** What callers saw (results, error codes, HTTP statuses per adapter). */
  readonly callers: string;
  /** Token requests the condition cost. */
  readonly tokenRequests: string;
  /** What happened once the condition ended. */
  readonly recovery: string;
  /** Set when the row shows a bug that is still open (its test is `it.fails`). */
  readonly bug?: string;
}

export interface ResultSection {
  readonly order: number;
  readonly title: string;
  /** Set by the test that knows the run's figures, when it is not known up front. */
  intro: string;
  readonly rows: ResultRow[];
}

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results');

export function section(order: number, title: string, intro: string): ResultSection {
  return { order, title, intro, rows: [] };
}

/** Writes the sections of one test file; rows keep the order in which tests recorded them. */
export function writeResults(file: string, sections: readonly ResultSection[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${file}.json`), `${JSON.stringify(sections, null, 2)}\n`);
}
