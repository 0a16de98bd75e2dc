import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as hookflow from 'hookflow';
import * as bullmq from 'hookflow/bullmq';
import * as nextAdapter from 'hookflow/next';
import * as node from 'hookflow/node';
import * as testing from 'hookflow/testing';
import * as verify from 'hookflow/verify';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('public surface', () => {
  it('exports exactly these runtime names from "hookflow"', () => {
    expect(Object.keys(hookflow).sort()).toEqual([
      'DEFAULT_ROUTE',
      'ERROR_STATUS',
      'JsonSyntaxError',
      'NonRetryableError',
      'WebhookTriggerError',
      'createWebhookRouter',
      'createWebhookTrigger',
      'getPath',
      'isNonRetryableError',
      'isWebhookTriggerError',
      'jsonSchemaFromExample',
      'memoryDedupeStore',
      'memoryExecutionStore',
      'memoryQueue',
      'pathsFromJson',
      'pathsFromUrl',
      'renderTemplate',
      'workflowExecutor',
    ]);
  });

  it('exports exactly these runtime names from "hookflow/verify"', () => {
    expect(Object.keys(verify).sort()).toEqual([
      'discord',
      'github',
      'hmac',
      'isIpAllowed',
      'linear',
      'paddle',
      'shopify',
      'signGithub',
      'signHmac',
      'signLinear',
      'signPaddle',
      'signShopify',
      'signSlack',
      'signSquare',
      'signStandardWebhooks',
      'signStripe',
      'signTwilio',
      'slack',
      'square',
      'standardWebhooks',
      'stripe',
      'twilio',
      'twilioBodyUrl',
    ]);
  });

  it('exports exactly toNodeListener from "hookflow/node"', () => {
    expect(Object.keys(node)).toEqual(['toNodeListener']);
  });

  it('exports exactly toPagesHandler and toRouteHandler from "hookflow/next"', () => {
    expect(Object.keys(nextAdapter).sort()).toEqual(['toPagesHandler', 'toRouteHandler']);
  });

  it('exports the BullMQ queue and the Redis stores from "hookflow/bullmq"', () => {
    expect(Object.keys(bullmq).sort()).toEqual([
      'bullmqQueue',
      'redisDedupeStore',
      'redisExecutionStore',
    ]);
  });

  it('exports createTestRequest, fakeClock and invoke from "hookflow/testing"', () => {
    expect(Object.keys(testing).sort()).toEqual(['createTestRequest', 'fakeClock', 'invoke']);
  });

  it('builds "hookflow/testing" importing no test framework and no node: module', () => {
    // The ESM build shares chunks with other entry points: follow its relative imports.
    const files = ['testing.cjs', 'testing.js'];
    for (const file of files) {
      const code = readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');
      for (const [, chunk] of code.matchAll(/from\s*["']\.\/([\w.-]+\.js)["']/g)) {
        if (chunk && !files.includes(chunk)) files.push(chunk);
      }
      expect(code, file).not.toMatch(
        /(\bfrom|\bimport|\brequire)\s*\(?\s*["'](vitest|node:[\w/]+)["']/,
      );
    }
    expect(files.length).toBeGreaterThan(2);
  });

  it('keeps bullmq and ioredis out of every entry point but "hookflow/bullmq"', () => {
    const files = readdirSync(new URL('../dist/', import.meta.url)).filter(
      (file) => /\.(c?js)$/.test(file) && !file.startsWith('bullmq.'),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const code = readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');
      expect(code, file).not.toMatch(/["'](bullmq|ioredis)["']/);
    }
  });

  it('recognises a WebhookTriggerError thrown by another CommonJS entry point', async () => {
    // Each CommonJS entry point carries its own copy of the class.
    const require = createRequire(import.meta.url);
    const main = require('../dist/index.cjs') as typeof hookflow;
    const signatures = require('../dist/verify.cjs') as typeof verify;
    const refused = await Promise.resolve()
      .then(() =>
        signatures.github({ secret: 's' }).verify({
          method: 'POST',
          url: 'http://127.0.0.1/',
          header: () => 'sha256=00',
          rawBody: new Uint8Array(0),
          now: Date.now(),
        }),
      )
      .catch((error: unknown) => error);
    expect(main.isWebhookTriggerError(refused, 'SIGNATURE_INVALID')).toBe(true);
    expect(refused instanceof main.WebhookTriggerError).toBe(true);
    expect(new Error('plain') instanceof main.WebhookTriggerError).toBe(false);
  });

  it('builds "hookflow/next" without importing next at run time (its types only)', () => {
    for (const file of ['next.js', 'next.cjs']) {
      const code = readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');
      expect(code, file).not.toMatch(/\bfrom\s*["']next|\b(require|import)\(\s*["']next/);
    }
  });

  it('lists every subpath in package.json exports, tsup entries and typedoc entry points', () => {
    expect(Object.keys(pkg.exports)).toEqual([
      '.',
      './verify',
      './node',
      './express',
      './koa',
      './fastify',
      './hono',
      './next',
      './bullmq',
      './testing',
      './package.json',
    ]);
    const typedoc = JSON.parse(readFileSync(new URL('../typedoc.json', import.meta.url), 'utf8'));
    expect(typedoc.entryPoints).toEqual([
      'src/index.ts',
      'src/verify/index.ts',
      'src/adapters/node.ts',
      'src/adapters/express.ts',
      'src/adapters/koa.ts',
      'src/adapters/fastify.ts',
      'src/adapters/hono.ts',
      'src/adapters/next.ts',
      'src/bullmq/index.ts',
      'src/testing/index.ts',
    ]);
    const tsup = readFileSync(new URL('../tsup.config.ts', import.meta.url), 'utf8');
    expect(tsup).toContain("verify: 'src/verify/index.ts'");
    for (const name of ['node', 'express', 'koa', 'fastify', 'hono', 'next']) {
      expect(tsup).toContain(`${name}: 'src/adapters/${name}.ts'`);
    }
    expect(tsup).toContain("bullmq: 'src/bullmq/index.ts'");
    expect(tsup).toContain("testing: 'src/testing/index.ts'");
    // Frameworks and BullMQ stay out of the bundles.
    expect(tsup).toContain(
      "external: ['express', 'koa', 'fastify', 'hono', 'next', 'bullmq', 'ioredis']",
    );
  });

  it('lists types first in every package.json export condition', () => {
    for (const [subpath, target] of Object.entries<Record<string, unknown>>(pkg.exports)) {
      if (typeof target === 'string') continue;
      for (const condition of Object.values(target) as Record<string, string>[]) {
        expect(Object.keys(condition)[0], subpath).toBe('types');
      }
    }
  });

  it('ships only dist, without side effects, with the three runtime dependencies', () => {
    expect(pkg.files).toEqual(['dist']);
    expect(pkg.sideEffects).toBe(false);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['lodash', 'path-to-regexp', 'qs']);
    // Frameworks are optional peers: importing "hookflow" alone pulls none of them.
    for (const name of ['express', 'koa', 'fastify', 'hono', 'next', 'bullmq', 'ioredis']) {
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
    }
    expect(pkg.engines.node).toBe('>=20.19');
  });
});
