import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { DocBlock } from './blocks';

/** A block that does not compile: where it is in the docs, and TypeScript's messages. */
export interface BlockFailure {
  /** `file:line` in the Markdown file, of the offending line. */
  where: string;
  message: string;
}

/** Which package's compiler settings a Markdown file's blocks get. */
function settingsDir(root: string, file: string): string {
  const dir = dirname(file);
  return existsSync(join(root, dir, 'tsconfig.json')) ? join(root, dir) : root;
}

function compilerOptions(root: string, file: string, code: string): ts.CompilerOptions {
  const dir = settingsDir(root, file);
  const config = join(dir, dir === root ? 'tsconfig.base.json' : 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    config,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${config}`);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    // Snippets run on Node: its types, whatever the package compiles with.
    types: ['node'],
    typeRoots: [join(root, 'docs-test/node_modules/@types')],
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
  delete options.configFilePath;
  if (code.includes("from '@nestjs/")) {
    options.experimentalDecorators = true;
    options.emitDecoratorMetadata = true;
  }
  return options;
}

/**
 * Type-checks the blocks, written as files under `workDir` (inside the repository, so that
 * node_modules resolution finds the workspace packages' built types). Blocks sharing compiler
 * settings share one program.
 */
export function typecheckBlocks(root: string, workDir: string, blocks: DocBlock[]): BlockFailure[] {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const groups = new Map<string, { options: ts.CompilerOptions; files: Map<string, DocBlock> }>();
  for (const block of blocks) {
    const options = compilerOptions(root, block.file, block.code);
    const key = JSON.stringify(options);
    const group = groups.get(key) ?? { options, files: new Map() };
    groups.set(key, group);
    const ext = block.language === 'tsx' ? 'tsx' : block.language.startsWith('j') ? 'js' : 'ts';
    const name = `${block.file.replace(/[^\w]+/g, '_')}_${block.fenceLine}.${ext}`;
    const path = join(workDir, name);
    writeFileSync(path, `${block.code}\n`);
    group.files.set(path, block);
  }
  const failures: BlockFailure[] = [];
  // Every program reads the same lib and package declarations: parse each file once.
  const parsed = new Map<string, ts.SourceFile | undefined>();
  console.log(`docs-test: ${blocks.length} blocks in ${groups.size} compiler settings`);
  for (const { options, files } of groups.values()) {
    const jsOptions = { ...options, allowJs: true, checkJs: true };
    const host = ts.createCompilerHost(jsOptions);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      if (!parsed.has(fileName))
        parsed.set(fileName, getSourceFile(fileName, languageVersion, ...rest));
      return parsed.get(fileName);
    };
    const program = ts.createProgram({ rootNames: [...files.keys()], options: jsOptions, host });
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const source = diagnostic.file;
      const block = source ? files.get(source.fileName) : undefined;
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (!source || !block) {
        failures.push({ where: source?.fileName ?? '(options)', message });
        continue;
      }
      const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      failures.push({
        where: `${block.file}:${block.fenceLine + line + 1}`,
        message: `TS${diagnostic.code}: ${message}`,
      });
    }
  }
  return failures;
}
