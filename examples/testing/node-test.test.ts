import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a file on Node's test runner (tsx compiles it and resolves `hookflow/*`), TAP output. */
function nodeTest(file: string) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', file],
      // The runner's own NODE_OPTIONS (loaders, inspectors) must not reach the child.
      { cwd: root, timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe('examples/testing on node:test', () => {
  it('passes all nine tests of orders.node-test.ts', async () => {
    const { code, output } = await nodeTest('examples/testing/orders.node-test.ts');
    expect(output).toMatch(/^# tests 9$/m);
    expect(output).toMatch(/^# pass 9$/m);
    expect(output).toMatch(/^# fail 0$/m);
    expect(output).not.toMatch(/^not ok /m);
    expect(code, output).toBe(0);
  });
});
