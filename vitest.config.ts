import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests, examples and the README import the package by its public name.
    alias: [
      {
        find: /^hookflow\/express$/,
        replacement: fileURLToPath(new URL('./src/adapters/express.ts', import.meta.url)),
      },
      {
        find: /^hookflow\/koa$/,
        replacement: fileURLToPath(new URL('./src/adapters/koa.ts', import.meta.url)),
      },
      {
        find: /^hookflow\/fastify$/,
        replacement: fileURLToPath(new URL('./src/adapters/fastify.ts', import.meta.url)),
      },
      {
        find: /^hookflow\/hono$/,
        replacement: fileURLToPath(new URL('./src/adapters/hono.ts', import.meta.url)),
      },
      {
        find: /^hookflow\/next$/,
        replacement: fileURLToPath(new URL('./src/adapters/next.ts', import.meta.url)),
      },
      {
        find: /^hookflow\/bullmq$/,
        replacement: fileURLToPath(new URL('./src/bullmq/index.ts', import.meta.url)),
      },
      {
        find: /^hookflow\/testing$/,
        replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)),
      },
      {
        find: /^hookflow\/node$/,
        replacement: fileURLToPath(new URL('./src/adapters/node.ts', import.meta.url)),
      },
      {
        find: /^hookflow\/verify$/,
        replacement: fileURLToPath(new URL('./src/verify/index.ts', import.meta.url)),
      },
      {
        find: /^hookflow$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    globalSetup: ['./test/build-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
