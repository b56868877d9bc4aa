import { readConfig } from './config';
import { startSample } from './start';

const NAME = 'nest-sample';

try {
  const sample = await startSample(readConfig(process.env), (line) => console.log(line));
  console.log(`${NAME} listening on ${sample.url}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sample.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(
          `${NAME}: shutdown failed: ${error instanceof Error ? error.message : error}`,
        );
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  // Configuration and bootstrap errors name the variable or option, never a secret.
  console.error(`${NAME}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
