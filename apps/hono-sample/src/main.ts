import { readConfig } from './config';
import { startSample } from './server';

// Entry point of `pnpm start` (node dist/main.mjs).
try {
  const sample = await startSample(readConfig(process.env), (line) => console.log(line));
  console.log(`hono-sample listening on ${sample.url}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sample.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('hono-sample: shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(`hono-sample: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
