import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allBlocks } from './blocks';
import { typecheckBlocks } from './typecheck';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const blocks = allBlocks(root);

describe('documented TypeScript/JavaScript blocks', () => {
  it('type-check with the repository settings, unless marked partial', () => {
    const partial = blocks.filter((b) => b.marker.kind === 'partial');
    for (const b of partial) {
      if (b.marker.kind === 'partial')
        console.log(`partial ${b.file}:${b.fenceLine}: ${b.marker.reason}`);
    }
    const checked = blocks.filter((b) => b.marker.kind !== 'partial');
    const failures = typecheckBlocks(root, join(root, 'docs-test/.blocks/check'), checked);
    expect(failures.map((f) => `${f.where} ${f.message}`).join('\n')).toBe('');
  });
});
