import { readFileSync } from 'node:fs';
import { ERROR_STATUS } from 'hookflow';
import { describe, expect, it } from 'vitest';

const errorsGuide = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

describe('docs/errors.md', () => {
  const headings = [...errorsGuide.matchAll(/^## (\w+)$/gm)].map((m) => m[1]);

  it('has one heading per error code, and no other', () => {
    expect([...headings].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
  });

  it.each(Object.entries(ERROR_STATUS))('states the status of %s', (code, status) => {
    const section = errorsGuide.split(/^## /m).find((s) => s.startsWith(`${code}\n`)) ?? '';
    expect(section).toContain(`**Status:** ${status}`);
  });
});
