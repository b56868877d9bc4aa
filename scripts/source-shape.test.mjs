// The shape every package's source keeps (issue 28): no import circle between the files
// of a package (type-only imports included: they tie the files' designs together just
// the same), one import-extension style, and no mutable module-level export (a back door
// into another file's state).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every non-test source file below `dir`. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts)$/.test(entry.name) && !/\.test(-d)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** The files a source imports or re-exports from, by relative specifier. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/\b(?:import|export)\b[^;'"]*?\bfrom\s+['"](\.[^'"]+)['"]/g),
  ];
  return specifiers.map(([, specifier]) => {
    const base = resolve(dirname(file), specifier.replace(/\.(m?js)$/, ''));
    for (const candidate of [`${base}.ts`, `${base}.mts`, join(base, 'index.ts')]) {
      try {
        readFileSync(candidate);
        return candidate;
      } catch {}
    }
    return base;
  });
}

/** One circle in the graph, as a list of files, or undefined. */
function findCircle(graph) {
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const circle = visit(next);
        if (circle) return circle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const circle = visit(node);
      if (circle) return circle;
    }
  }
  return undefined;
}

/** Every package and app with a `src` folder, as `group/name`. */
const packages = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group))
    .filter((name) => {
      try {
        return readdirSync(join(root, group, name, 'src')).length > 0;
      } catch {
        return false;
      }
    })
    .map((name) => `${group}/${name}`),
);

describe.each(packages)('%s/src', (name) => {
  const files = sources(join(root, name, 'src'));

  it('has no import circle', () => {
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    const circle = findCircle(graph);
    expect(circle?.map((file) => relative(root, file))).toBeUndefined();
  });

  it('imports its own files without an extension (one style, the bundler resolves them)', () => {
    const offenders = files.filter((file) =>
      /\b(?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]+\.(?:m?js|ts)['"]/.test(
        readFileSync(file, 'utf8'),
      ),
    );
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });

  it('exports nothing mutable at module level', () => {
    const offenders = files.filter((file) =>
      /^export\s+(let|var)\b/m.test(readFileSync(file, 'utf8')),
    );
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });
});
