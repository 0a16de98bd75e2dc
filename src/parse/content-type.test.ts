import { describe, expect, it } from 'vitest';
import { createMediaTypeMatcher, parseMediaType, toBodyKind } from './content-type.js';

describe('parseMediaType', () => {
  it.each([
    ['application/json', { essence: 'application/json' }],
    ['Application/JSON; Charset="UTF-8"', { essence: 'application/json', charset: 'utf-8' }],
    [
      'text/plain;charset=iso-8859-1;format=flowed',
      { essence: 'text/plain', charset: 'iso-8859-1' },
    ],
    ['', { essence: 'application/octet-stream' }],
    [null, { essence: 'application/octet-stream' }],
    ['not a type', { essence: 'application/octet-stream' }],
    ['a/b/c', { essence: 'application/octet-stream' }],
  ])('parses %j', (header, expected) => {
    expect(parseMediaType(header)).toEqual(expected);
  });
});

describe('toBodyKind', () => {
  it.each([
    ['application/json', 'json'],
    ['application/cloudevents+json', 'json'],
    ['application/x-www-form-urlencoded', 'form'],
    ['text/csv', 'text'],
    ['multipart/form-data', 'bytes'],
    ['application/jsonx', 'bytes'],
  ])('reads %s as %s', (essence, kind) => {
    expect(toBodyKind(essence)).toBe(kind);
  });
});

describe('createMediaTypeMatcher', () => {
  const accepts = createMediaTypeMatcher(['application/json', 'text/*', 'application/*+json']);
  it.each([
    ['application/json', true],
    ['text/plain', true],
    ['application/vnd.github+json', true],
    ['application/xml', false],
    ['textual/plain', false],
  ])('%s → %s', (essence, expected) => {
    expect(accepts(essence)).toBe(expected);
  });
  it('accepts everything with */*', () => {
    expect(createMediaTypeMatcher(['*/*'])('image/png')).toBe(true);
  });
  it('throws for a range that is not type/subtype', () => {
    expect(() => createMediaTypeMatcher(['json'])).toThrow(TypeError);
  });
});
