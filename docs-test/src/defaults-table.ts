/** One numeric default as the options table of docs/operating.md states it. */
export interface DocumentedDefault {
  /** Option name without its group (`retry.maxAttempts` → `maxAttempts`). */
  name: string;
  value: number;
}

/** Parses "10 000" or "5 000" (digits grouped by spaces) into a number, or undefined. */
function parseNumber(text: string): number | undefined {
  const compact = text.replace(/[\s\u202f\u00a0]/g, '');
  return /^\d+$/.test(compact) ? Number(compact) : undefined;
}

/**
 * The numeric rows of the first table whose header starts `| Option | Default |`. A row may
 * state several options at once: `` `retry.baseDelayMs` / `maxDelayMs` `` with `200 / 5 000`.
 */
export function documentedDefaults(markdown: string): DocumentedDefault[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^\|\s*Option\s*\|\s*Default\s*\|/.test(line));
  if (start < 0) throw new Error('no "| Option | Default |" table');
  const rows: DocumentedDefault[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [, optionCell = '', defaultCell = ''] = line.split('|').map((cell) => cell.trim());
    const names = optionCell.split('/').map((n) =>
      n
        .replace(/`/g, '')
        .trim()
        .replace(/^retry\./, ''),
    );
    const values = defaultCell.split('/').map(parseNumber);
    if (values.some((v) => v === undefined)) continue;
    if (names.length !== values.length) {
      throw new Error(`defaults table: "${optionCell}" and "${defaultCell}" do not pair up`);
    }
    names.forEach((name, i) => {
      rows.push({ name, value: values[i] as number });
    });
  }
  return rows;
}
