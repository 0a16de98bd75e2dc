import { describe, expect, it } from 'vitest';
import { getPath } from './path.js';

const value = {
  a: { b: 1, list: [{ b: 'x' }, { b: 'y' }] },
  'a.b': 'dotted',
  'c d': { '[x]': 2 },
  '0': 'zero-key',
  'say "hi"': 3,
};

describe('getPath', () => {
  it.each<[string, unknown]>([
    ['a.b', 1],
    ['a.list[1].b', 'y'],
    ['a.list.1.b', 'y'],
    ['a["list"][0]["b"]', 'x'],
    ['["a.b"]', 'dotted'],
    ['["c d"]["[x]"]', 2],
    ['["0"]', 'zero-key'],
    ['["say \\"hi\\""]', 3],
    ['a.missing.deeper', undefined],
    ['a.list[5]', undefined],
    ['a.b.c', undefined],
    ['a.list.length', 2],
    ['', value],
  ])('reads %s', (path, expected) => {
    expect(getPath(value, path)).toEqual(expected);
  });
});
