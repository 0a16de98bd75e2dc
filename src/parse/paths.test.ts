import fc from 'fast-check';
import qs from 'qs';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError } from './json-error.js';
import { getPath } from './path.js';
import { type PathsOptions, pathsFromJson, pathsFromUrl } from './paths.js';

const paths = (entries: { path: string }[]) => entries.map((e) => e.path);

describe('pathsFromUrl', () => {
  it.each<[string, string[]]>([
    ['http://localhost:13000/api/webhook:trigger/1hfmkioou0d?query=1', ['query']],
    ['?query=1', ['query']],
    ['query=1', ['query']],
    ['?query[0][a]=1', ['query', 'query[0]', 'query[0].a']],
    ['?a[b][c]=1&a[d]=2', ['a', 'a.b', 'a.b.c', 'a.d']],
    ['?t=1&t=2', ['t', 't[0]', 't[1]']],
    ['a=1&b=2', ['a', 'b']],
    ['https://example.com/hook', []],
    ['https://example.com/hook?x=1#frag=2', ['x']],
    ['?a%20b=1&c.d=2', ['["a b"]', '["c.d"]']],
    ['http://x/a=b', []],
    ['/api/hook?x=1', ['x']],
    ['http://x/#/route?a=1', []],
    ['a=1#b=2', ['a']],
    ['example.com/hook', []],
  ])('lists the paths of %s', (example, expected) => {
    expect(paths(pathsFromUrl(example))).toEqual(expected);
  });

  it('gives each entry its type and example', () => {
    expect(pathsFromUrl('?a[b]=1&t=x&t=y')).toEqual([
      { path: 'a', type: 'object', example: { b: '1' } },
      { path: 'a.b', type: 'string', example: '1' },
      { path: 't', type: 'array', example: ['x', 'y'] },
      { path: 't[0]', type: 'string', example: 'x' },
      { path: 't[1]', type: 'string', example: 'y' },
    ]);
  });
});

describe('pathsFromJson', () => {
  it.each<[string, unknown, string[], PathsOptions?]>([
    ['nested objects', '{"a":1,"b":{"c":2}}', ['a', 'b', 'b.c']],
    [
      'arrays by index',
      '{"items":[{"x":1},{"x":2,"y":3}]}',
      ['items', 'items[0]', 'items[0].x', 'items[1]', 'items[1].x', 'items[1].y'],
    ],
    [
      'arrays: first',
      '{"items":[{"x":1},{"x":2,"y":3}]}',
      ['items', 'items[0]', 'items[0].x'],
      { arrays: 'first' },
    ],
    [
      'arrays: merge',
      '{"items":[{"x":1},{"x":2,"y":3,"z":{"w":1}}]}',
      ['items', 'items[0]', 'items[0].x', 'items[0].y', 'items[0].z', 'items[0].z.w'],
      { arrays: 'merge' },
    ],
    ['a top-level array', '[{"x":1}]', ['[0]', '[0].x']],
    [
      'keys that are not identifiers',
      '{"a.b":1,"c d":{"[x]":2}}',
      ['["a.b"]', '["c d"]', '["c d"]["[x]"]'],
    ],
    [
      'numeric-looking keys',
      '{"0":{"1":true},"list":[null]}',
      ['["0"]', '["0"]["1"]', 'list', 'list[0]'],
    ],
    [
      'quotes and backslashes in keys',
      { 'say "hi"': 1, 'back\\slash': 2 },
      ['["say \\"hi\\""]', '["back\\\\slash"]'],
    ],
    ['an empty key', '{"":{"a":1}}', ['[""]', '[""].a']],
    ['a scalar', '42', []],
    ['prototype keys, which never resolve', '{"__proto__":1,"constructor":2,"ok":3}', ['ok']],
    ['a parsed value', { a: [1, [2]] }, ['a', 'a[0]', 'a[1]', 'a[1][0]']],
  ])('lists %s', (_name, example, expected, options) => {
    expect(paths(pathsFromJson(example, options))).toEqual(expected);
  });

  it('refuses an unknown arrays mode', () => {
    expect(() => pathsFromJson('[1]', { arrays: 'all' as 'index' })).toThrow(RangeError);
  });

  it('reports malformed JSON as a SyntaxError with its position', () => {
    for (const [text, position, line, column] of [
      ['{"a":', 5, 1, 6],
      ['[1,]', 3, 1, 4],
      ['{\n  "a": 1,\n  oops\n}', 14, 3, 3],
      ['{"a":1}x', 7, 1, 8],
    ] as const) {
      let error: unknown;
      try {
        pathsFromJson(text);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SyntaxError);
      expect(error).toBeInstanceOf(JsonSyntaxError);
      expect(error).toMatchObject({ position, line, column });
      expect((error as Error).message).toContain(`line ${line} column ${column}`);
    }
  });

  it('throws a RangeError past maxDepth instead of overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => pathsFromJson(deep)).toThrow(RangeError);
    expect(() => pathsFromJson(deep)).toThrow(/deeper than 256/);
    expect(() => pathsFromJson('[[[1]]]', { maxDepth: 2 })).toThrow(RangeError);
    expect(paths(pathsFromJson('[[[1]]]', { maxDepth: 3 }))).toEqual([
      '[0]',
      '[0][0]',
      '[0][0][0]',
    ]);
  });

  it('handles a 10 MB example', () => {
    const items = Array.from({ length: 120_000 }, (_, i) => ({
      id: i,
      name: `item ${i}`,
      tags: ['a', 'b'],
      price: { amount: i * 1.5, currency: 'EUR' },
    }));
    const text = JSON.stringify({ items });
    expect(text.length).toBeGreaterThan(10_000_000);
    const entries = pathsFromJson(text);
    expect(entries.length).toBe(1 + 120_000 * 9);
    expect(entries.at(-1)).toEqual({
      path: 'items[119999].price.currency',
      type: 'string',
      example: 'EUR',
    });
  });
});

describe('paths (properties)', () => {
  it('every emitted path reads back the value it came from, and paths are unique', () => {
    fc.assert(
      // A top-level string is read as JSON text, so values are passed as objects, arrays or scalars.
      fc.property(
        fc.jsonValue({ maxDepth: 6 }).filter((v) => typeof v !== 'string'),
        (value) => {
          const entries = pathsFromJson(value);
          expect(new Set(paths(entries)).size).toBe(entries.length);
          for (const entry of entries) expect(getPath(value, entry.path)).toBe(entry.example);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('round-trips through JSON text too', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const parsed = JSON.parse(JSON.stringify(value));
        for (const entry of pathsFromJson(JSON.stringify(value))) {
          expect(getPath(parsed, entry.path)).toEqual(entry.example);
        }
      }),
      { numRuns: 1000 },
    );
  });

  // What qs can encode and decode unchanged: non-empty string leaves, plain keys, arrays of strings
  // (qs turns arrays of objects into indexed objects past its limits, so keep them small).
  const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
  const leaf = fc.stringMatching(/^[a-zA-Z0-9 ._~-]{1,8}$/);
  const qsObject = fc.letrec((tie) => ({
    node: fc.oneof(
      { maxDepth: 3 },
      leaf,
      tie('object'),
      fc.array(leaf, { minLength: 1, maxLength: 4 }),
    ),
    object: fc.dictionary(key, tie('node'), { minKeys: 1, maxKeys: 4 }),
  })).object as fc.Arbitrary<Record<string, unknown>>;

  it("lists for '?' + qs.stringify(obj) what pathsFromJson lists for obj", () => {
    fc.assert(
      fc.property(qsObject, (obj) => {
        expect(paths(pathsFromUrl(`?${qs.stringify(obj)}`))).toEqual(paths(pathsFromJson(obj)));
      }),
      { numRuns: 1000 },
    );
  });
});
