import { describe, expect, it } from 'vitest';
import { extractBlocks, parseMarker } from './blocks';
import { documentedDefaults } from './defaults-table';

const markdown = [
  '# Title', // 1
  '', // 2
  '```ts', // 3
  'const a = 1;', // 4
  '```', // 5
  '<!-- docs-test: partial (needs a logger) -->', // 6
  '', // 7
  '```js', // 8
  'log(a);', // 9
  '```', // 10
  '```sh', // 11
  'npm install', // 12
  '```', // 13
  '- a list item:', // 14
  '  <!-- docs-test: run GET /messages 200 -->', // 15
  '  ```typescript', // 16
  '  app.listen();', // 17
  '  ```', // 18
].join('\n');

describe('extractBlocks', () => {
  it('finds TS and JS blocks with their fence line and marker, and skips other languages', () => {
    expect(extractBlocks(markdown, 'X.md')).toEqual([
      {
        file: 'X.md',
        fenceLine: 3,
        language: 'ts',
        code: 'const a = 1;',
        marker: { kind: 'check' },
      },
      {
        file: 'X.md',
        fenceLine: 8,
        language: 'js',
        code: 'log(a);',
        marker: { kind: 'partial', reason: 'needs a logger' },
      },
      {
        file: 'X.md',
        fenceLine: 16,
        language: 'typescript',
        code: 'app.listen();',
        marker: { kind: 'run', method: 'GET', path: '/messages', status: 200 },
      },
    ]);
  });

  it('refuses a marker it does not understand, naming where it is', () => {
    expect(() => extractBlocks('<!-- docs-test: skip -->\n```ts\nx\n```', 'Y.md')).toThrow(
      'Y.md:2: unknown docs-test marker "skip"',
    );
    expect(() => parseMarker('partial', 'Z.md:1')).toThrow('unknown docs-test marker');
    expect(() => parseMarker('run GET /x', 'Z.md:1')).toThrow('unknown docs-test marker');
  });
});

describe('documentedDefaults', () => {
  it('reads single and paired numeric rows and ignores the others', () => {
    const table = [
      '| Option | Default | Why |',
      '|---|---|---|',
      '| `tokenUrl` | `https://oauth.twilio.com/v2/token` | … |',
      '| `timeoutMs` | 10 000 | … |',
      '| `retry.baseDelayMs` / `maxDelayMs` | 200 / 5 000 | … |',
      '',
      '| `notInTheTable` | 1 | |',
    ].join('\n');
    expect(documentedDefaults(table)).toEqual([
      { name: 'timeoutMs', value: 10_000 },
      { name: 'baseDelayMs', value: 200 },
      { name: 'maxDelayMs', value: 5_000 },
    ]);
  });

  it('refuses a row whose names and numbers do not pair up', () => {
    const table = '| Option | Default |\n|---|---|\n| `a` / `b` | 1 |';
    expect(() => documentedDefaults(table)).toThrow('do not pair up');
  });
});
