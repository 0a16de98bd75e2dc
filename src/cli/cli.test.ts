import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signGithub, signStripe } from '../verify/hmac-schemes.js';
import { runCli } from './index.js';

async function run(argv: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdin: (async function* () {
      yield new TextEncoder().encode(stdin);
    })(),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'hookflow-cli-'));
const orderFile = join(dir, 'order.json');
writeFileSync(orderFile, '{"order":{"id":"A-1","items":[{"sku":"X","qty":2}]},"paid":true}');
const badFile = join(dir, 'bad.json');
writeFileSync(badFile, '{\n  "a": 1,\n  oops\n}');

describe('hookflow paths', () => {
  it.each<[string, string[], string]>([
    [
      'a URL',
      ['paths', '--url', 'http://localhost:13000/api/webhook:trigger/1hfmkioou0d?query=1'],
      'query\n',
    ],
    ['a nested query', ['paths', '--url', '?query[0][a]=1'], 'query\nquery[0]\nquery[0].a\n'],
    ['a bare query', ['paths', '--url', 'a=1&b=2'], 'a\nb\n'],
    [
      'a JSON file',
      ['paths', '--json', orderFile],
      'order\norder.id\norder.items\norder.items[0]\norder.items[0].sku\norder.items[0].qty\npaid\n',
    ],
    [
      'a JSON file with --arrays first',
      ['paths', '--json', '-', '--arrays', 'first'],
      'items\nitems[0]\nitems[0].x\n',
    ],
  ])('prints one path per line for %s', async (_name, argv, expected) => {
    const out = await run(argv, '{"items":[{"x":1},{"x":2,"y":3}]}');
    expect(out).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  it('ignores a byte order mark at the start of a JSON file', async () => {
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\ufeff{"a":[1]}');
    expect(await run(['paths', '--json', bom, '--format', 'table'])).toEqual({
      code: 0,
      stdout: 'PATH  TYPE    EXAMPLE\na     array   [1 item]\na[0]  number  1\n',
      stderr: '',
    });
  });

  it('reads standard input with --json -', async () => {
    expect(await run(['paths', '--json', '-'], '[{"x":1}]')).toEqual({
      code: 0,
      stdout: '[0]\n[0].x\n',
      stderr: '',
    });
  });

  it('prints entries as JSON with --format json', async () => {
    const out = await run(['paths', '--url', '?a[b]=1&t=x&t=y', '--format', 'json']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([
      { path: 'a', type: 'object' },
      { path: 'a.b', type: 'string', example: '1' },
      { path: 't', type: 'array' },
      { path: 't[0]', type: 'string', example: 'x' },
      { path: 't[1]', type: 'string', example: 'y' },
    ]);
  });

  it('prints path, type and example columns with --format table', async () => {
    const out = await run(['paths', '--json', orderFile, '--format', 'table']);
    expect(out.stdout.split('\n').slice(0, 3)).toEqual([
      'PATH                TYPE     EXAMPLE',
      'order               object   {2 keys}',
      'order.id            string   "A-1"',
    ]);
  });

  it.each<[string, string[], string, RegExp]>([
    ['no source', ['paths'], '', /exactly one of --url/],
    ['two sources', ['paths', '--url', 'a=1', '--json', '-'], '', /exactly one of --url/],
    ['an unknown option', ['paths', '--yaml', 'x'], '', /Unknown option '--yaml'/],
    [
      'a bad format',
      ['paths', '--url', 'a=1', '--format', 'xml'],
      '',
      /--format must be one of lines, json, table/,
    ],
    [
      'a bad arrays mode',
      ['paths', '--url', 'a=1', '--arrays', 'all'],
      '',
      /--arrays must be one of/,
    ],
    [
      'a bad max depth',
      ['paths', '--url', 'a=1', '--max-depth', '0'],
      '',
      /--max-depth must be a positive integer/,
    ],
    ['an unknown command', ['pathz'], '', /unknown command "pathz"/],
    ['help for an unknown command', ['help', 'pathz'], '', /unknown command "pathz"/],
  ])('exits 2 with one line for %s', async (_name, argv, stdin, message) => {
    const out = await run(argv, stdin);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it.each<[string, string[], string, RegExp]>([
    ['malformed JSON', ['paths', '--json', badFile], '', /line 3 column 3 \(position 14\)/],
    [
      'malformed JSON on stdin',
      ['paths', '--json', '-'],
      '{"a":',
      /Invalid JSON at line 1 column 6/,
    ],
    [
      'nesting past --max-depth',
      ['paths', '--json', orderFile, '--max-depth', '2'],
      '',
      /deeper than 2/,
    ],
    ['a missing file', ['paths', '--json', join(dir, 'nope.json')], '', /ENOENT/],
  ])('exits 1 with one line for %s', async (_name, argv, stdin, message) => {
    const out = await run(argv, stdin);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(message);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('prints help with --help, -h and help paths', async () => {
    for (const argv of [
      ['paths', '--help'],
      ['paths', '-h'],
      ['help', 'paths'],
    ]) {
      const out = await run(argv);
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^Usage: hookflow paths/);
    }
    expect((await run(['--help'])).stdout).toMatch(/^Usage: hookflow <command>/);
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Usage/) });
  });
});

describe('hookflow sign', () => {
  it('signs standard input byte for byte when --data is absent', async () => {
    const body = '  {"a": 1}\r\n';
    const out = await run(['sign', 'github', '--secret', 's'], body);
    expect(out).toEqual({
      code: 0,
      stdout: `${JSON.stringify(await signGithub('s', body), null, 2)}\n`,
      stderr: '',
    });
  });

  it('signs an inline --data at the given --timestamp', async () => {
    const out = await run(['sign', 'stripe', '--secret', 'k', '--timestamp', '42', '--data', '{}']);
    expect(JSON.parse(out.stdout)).toEqual(await signStripe('k', '{}', 42));
  });

  it('prints its help with help sign', async () => {
    expect((await run(['help', 'sign'])).stdout).toMatch(/^Usage: hookflow sign <scheme>/);
  });
});
