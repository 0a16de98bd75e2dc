import { readFileSync } from 'node:fs';
import * as hookflow from 'hookflow';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('public surface', () => {
  it('exports exactly these runtime names from "hookflow"', () => {
    expect(Object.keys(hookflow).sort()).toEqual([
      'ERROR_STATUS',
      'JsonSyntaxError',
      'NonRetryableError',
      'WebhookTriggerError',
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
    expect(pkg.engines.node).toBe('>=20.19');
  });
});
