import { readFileSync } from 'node:fs';
import * as hookflow from 'hookflow';
import * as nextAdapter from 'hookflow/next';
import * as node from 'hookflow/node';
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
    ]);
    const tsup = readFileSync(new URL('../tsup.config.ts', import.meta.url), 'utf8');
    expect(tsup).toContain("verify: 'src/verify/index.ts'");
    for (const name of ['node', 'express', 'koa', 'fastify', 'hono', 'next']) {
      expect(tsup).toContain(`${name}: 'src/adapters/${name}.ts'`);
    }
    // Frameworks stay out of the bundles: the adapters only use their types.
    expect(tsup).toContain("external: ['express', 'koa', 'fastify', 'hono', 'next']");
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
    for (const name of ['express', 'koa', 'fastify', 'hono', 'next']) {
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
    }
    expect(pkg.engines.node).toBe('>=20.19');
  });
});
