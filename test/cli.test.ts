import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bin = fileURLToPath(new URL(`../${pkg.bin.hookflow}`, import.meta.url));

function hookflow(args: string[], input = '') {
  const out = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('the built hookflow command', () => {
  it('lists the paths of an example URL', () => {
    expect(
      hookflow([
        'paths',
        '--url',
        'http://localhost:13000/api/webhook:trigger/1hfmkioou0d?query[0][a]=1',
      ]),
    ).toEqual({
      code: 0,
      stdout: 'query\nquery[0]\nquery[0].a\n',
      stderr: '',
    });
  });

  it('reads a JSON example from standard input', () => {
    expect(hookflow(['paths', '--json', '-'], '{"a":1,"b":{"c":2}}')).toEqual({
      code: 0,
      stdout: 'a\nb\nb.c\n',
      stderr: '',
    });
  });

  it('exits 1 on malformed JSON and 2 on bad usage, with one line on stderr', () => {
    const bad = hookflow(['paths', '--json', '-'], '{"a":');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^hookflow paths: Invalid JSON at line 1 column 6 \(position 5\)/);
    const usage = hookflow(['paths', '--format', 'xml', '--url', 'a=1']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('prints its version and help', () => {
    expect(hookflow(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(hookflow(['paths', '--help']).stdout).toMatch(/^Usage: hookflow paths/);
  });
});
