import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      verify: 'src/verify/index.ts',
      node: 'src/adapters/node.ts',
      express: 'src/adapters/express.ts',
      koa: 'src/adapters/koa.ts',
      fastify: 'src/adapters/fastify.ts',
      hono: 'src/adapters/hono.ts',
      next: 'src/adapters/next.ts',
      bullmq: 'src/bullmq/index.ts',
      testing: 'src/testing/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'neutral',
    treeshake: true,
    // Frameworks are optional peer dependencies: never bundled.
    external: ['express', 'koa', 'fastify', 'hono', 'next', 'bullmq', 'ioredis'],
  },
  {
    // The command line: one self-contained ESM file with a shebang, for package.json "bin".
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    external: ['qs', 'lodash'],
  },
]);
