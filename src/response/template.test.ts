import { describe, expect, it } from 'vitest';
import { compileResponse, compileTemplate, renderTemplate } from './template.js';

const $context = {
  body: { order: { id: 7, tags: ['a', 'b'] }, flag: false, zero: 0 },
  query: { id: 'q1' },
};

describe('renderTemplate', () => {
  it.each<[unknown, unknown]>([
    ['{{$context.body.order.id}}', 7],
    ['{{ $context.body.order.id }}', 7],
    ['{{$context.body.order.tags}}', ['a', 'b']],
    ['{{$context.body.flag}}', false],
    ['{{$context.body.zero}}', 0],
    ['{{$context.body.order.tags[1]}}', 'b'],
    ['Order {{$context.query.id}} ok', 'Order q1 ok'],
    ['{{$context.body.order.id}}-{{$context.body.order.tags}}', '7-["a","b"]'],
    ['{{$context.body.missing}}', ''],
    ['x{{$context.body.missing}}y', 'xy'],
    ['{{unknownRoot.a}}', ''],
    ['no templates', 'no templates'],
    ['{{ unclosed', '{{ unclosed'],
    [
      { a: ['{{$context.body.order.id}}', 1], b: null },
      { a: [7, 1], b: null },
    ],
  ])('renders %j', (template, expected) => {
    expect(renderTemplate(template, { $context })).toEqual(expected);
  });

  it('compiles values without templates to nothing', () => {
    expect(compileTemplate({ a: 'x', b: [1, 'y'] })).toBeUndefined();
  });
});

describe('compileResponse', () => {
  it('serialises a static spec once', () => {
    const compiled = compileResponse({ status: 201, headers: { 'X-A': '1' }, body: { ok: true } });
    expect(compiled.isStatic).toBe(true);
    expect(compiled.render({})).toEqual({
      status: 201,
      headers: { 'x-a': '1', 'content-type': 'application/json' },
      body: '{"ok":true}',
    });
  });

  it('drops the body of a 204', () => {
    expect(compileResponse({ status: 204, body: 'x' }).render({})).toEqual({
      status: 204,
      headers: {},
    });
  });

  it('refuses header values that would split the response', () => {
    const compiled = compileResponse({ headers: { 'x-echo': '{{$context.v}}' } });
    expect(() => compiled.render({ $context: { v: 'a\r\nset-cookie: x=1' } })).toThrow(/header/);
  });
});
