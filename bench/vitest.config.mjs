import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.test.mjs'],
    // Each test runs one benchmark section end to end in smoke mode (child processes, loopback).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
