import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Languages whose fenced blocks are checked. */
const CHECKED_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'tsx']);

/** What the `<!-- docs-test: … -->` marker before a fence asks for. */
export type BlockMarker =
  | { kind: 'check' }
  | { kind: 'partial'; reason: string }
  | { kind: 'run'; method: string; path: string; status: number }
  /** A test file a user copies (vitest): run as one, it must pass with at least one test. */
  | { kind: 'vitest' };

/** One fenced code block of a Markdown file. */
export interface DocBlock {
  /** Repository-relative path of the Markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  fenceLine: number;
  language: string;
  code: string;
  marker: BlockMarker;
}

const MARKER = /^<!--\s*docs-test:\s*(.*?)\s*-->$/;

/** Parses a marker's text: `partial (reason)` or `run GET /path 200`. */
export function parseMarker(text: string, where: string): BlockMarker {
  if (text === 'vitest') return { kind: 'vitest' };
  const partial = /^partial\s*\((.+)\)$/.exec(text);
  if (partial?.[1]) return { kind: 'partial', reason: partial[1] };
  const run = /^run\s+(GET|POST)\s+(\/\S*)\s+(\d{3})$/.exec(text);
  if (run?.[1] && run[2] && run[3]) {
    return { kind: 'run', method: run[1], path: run[2], status: Number(run[3]) };
  }
  throw new Error(
    `${where}: unknown docs-test marker "${text}" (use "partial (reason)", "run GET /path 200" or "vitest")`,
  );
}

/** Every TS/JS fenced block of one Markdown text, with the marker on the line before it. */
export function extractBlocks(markdown: string, file: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\w*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', language = ''] = open;
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith(fence)) end++;
    if (CHECKED_LANGUAGES.has(language)) {
      let before = i - 1;
      while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
      const markerText = MARKER.exec((lines[before] ?? '').trim())?.[1];
      blocks.push({
        file,
        fenceLine: i + 1,
        language,
        code: lines
          .slice(i + 1, end)
          .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
          .join('\n'),
        marker:
          markerText === undefined
            ? { kind: 'check' }
            : parseMarker(markerText, `${file}:${i + 1}`),
      });
    }
    i = end;
  }
  return blocks;
}

/** The documented Markdown files: root README, packages' and apps' READMEs, docs/. */
export function documentedFiles(root: string): string[] {
  const files = [join(root, 'README.md')];
  for (const dir of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const readme = join(root, dir, name, 'README.md');
      try {
        readFileSync(readme);
        files.push(readme);
      } catch {
        // a package without a README has nothing to check
      }
    }
  }
  for (const name of readdirSync(join(root, 'docs')).sort()) {
    if (name.endsWith('.md')) files.push(join(root, 'docs', name));
  }
  return files.map((file) => relative(root, file));
}

/** All blocks of all documented files. */
export function allBlocks(root: string): DocBlock[] {
  return documentedFiles(root).flatMap((file) =>
    extractBlocks(readFileSync(join(root, file), 'utf8'), file),
  );
}
