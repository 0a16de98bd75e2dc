import { describe, expect, it } from 'vitest';
import { jsonSchemaFromExample } from './schema.js';

const draft = 'https://json-schema.org/draft/2020-12/schema';

describe('jsonSchemaFromExample', () => {
  it('requires every present key', () => {
    expect(jsonSchemaFromExample('{"id":7,"name":"x","paid":true,"note":null}')).toEqual({
      $schema: draft,
      type: 'object',
      properties: {
        id: { type: 'number' },
        name: { type: 'string' },
        paid: { type: 'boolean' },
        note: { type: 'null' },
      },
      required: ['id', 'name', 'paid', 'note'],
    });
  });

  it('unites array elements: objects merge, a key is required when every element has it', () => {
    expect(jsonSchemaFromExample({ items: [{ x: 1 }, { x: 2, y: 'a' }] }).properties).toEqual({
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: { x: { type: 'number' }, y: { type: 'string' } },
          required: ['x'],
        },
      },
    });
  });

  it('uses anyOf for elements of different types, and no items for an empty array', () => {
    expect(jsonSchemaFromExample([1, 'a', 2])).toEqual({
      $schema: draft,
      type: 'array',
      items: { anyOf: [{ type: 'number' }, { type: 'string' }] },
    });
    expect(jsonSchemaFromExample([])).toEqual({ $schema: draft, type: 'array' });
  });

  it('keeps keys named like Object.prototype members as plain properties', () => {
    const schema = jsonSchemaFromExample('[{"a":1},{"toString":"x","__proto__":{"b":1}}]');
    const items = (schema.items ?? {}) as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(items.properties)).toEqual(['a', 'toString', '__proto__']);
    expect(items.properties.toString).toEqual({ type: 'string' });
    expect(items.required).toEqual([]);
    expect(Object.getPrototypeOf(items.properties)).toBe(Object.prototype);
  });

  it('refuses nesting past maxDepth with a RangeError', () => {
    expect(() => jsonSchemaFromExample('[[[1]]]', { maxDepth: 2 })).toThrow(RangeError);
    expect(jsonSchemaFromExample('{"a":{"b":1}}', { maxDepth: 2 }).type).toBe('object');
    expect(() => jsonSchemaFromExample('{}', { maxDepth: 0 })).toThrow(/positive integer/);
  });
});
