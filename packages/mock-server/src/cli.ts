#!/usr/bin/env node
import { runCli } from './cli-main';

// A reader that goes away (`twilio-oauth-mock | head -3`) must not take the server down.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

// Exit through exitCode rather than process.exit() so buffered output reaches a pipe.
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
});
