#!/usr/bin/env node
import { runCli } from './cli-main.js';

// Exit through exitCode rather than process.exit() so buffered output reaches a pipe.
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
});
