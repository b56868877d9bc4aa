import { defineConfig } from 'vitest/config';

const shared = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  testTimeout: 20_000,
};

// Every test runs against the newest twilio 6 (the `twilio` dev dependency) and again against the
// newest 5 (`twilio5`, an alias): `twilio` resolves to the alias' copy, as in an app that has 5.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'twilio@6',
          env: { TWILIO_MAJOR: '6' },
          typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
        },
      },
      {
        resolve: { alias: [{ find: /^twilio(\/.*)?$/, replacement: 'twilio5$1' }] },
        test: { ...shared, name: 'twilio@5', env: { TWILIO_MAJOR: '5' } },
      },
    ],
  },
});
