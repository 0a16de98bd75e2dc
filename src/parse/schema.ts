import { parseJsonText } from './json-error.js';

/** A JSON Schema (draft 2020-12) document or subschema. */
export type JsonSchema = { [keyword: string]: unknown };

/** Options of {@link jsonSchemaFromExample}. */
export interface JsonSchemaOptions {
  /** The deepest nesting accepted. @defaultValue `256` */
  maxDepth?: number;
}

/** Adds an own property even for keys such as `__proto__`, which `=` would not create. */
function setOwn(target: Record<string, JsonSchema>, key: string, value: JsonSchema) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function schemaOf(value: unknown, depth: number, maxDepth: number): JsonSchema {
  if (value === null) return { type: 'null' };
  // Depth counts containers, as pathsFromJson does: `{"a":{"b":1}}` is 2 deep.
  if (typeof value === 'object' && depth > maxDepth) {
    throw new RangeError(`The example is nested deeper than ${maxDepth} levels (maxDepth).`);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return { type: 'array' };
    return {
      type: 'array',
      items: unite(value.map((item) => schemaOf(item, depth + 1, maxDepth))),
    };
  }
  if (typeof value === 'object') {
    const properties: Record<string, JsonSchema> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) setOwn(properties, key, schemaOf(item, depth + 1, maxDepth));
    }
    return { type: 'object', properties, required: Object.keys(properties) };
  }
  return { type: typeof value === 'number' ? 'number' : typeof value };
}

/** One schema accepting every element: objects merge (required = keys in all), other types anyOf. */
function unite(schemas: JsonSchema[]): JsonSchema {
  const byType = new Map<unknown, JsonSchema>();
  for (const schema of schemas) {
    const seen = byType.get(schema.type);
    byType.set(schema.type, seen ? uniteSame(seen, schema) : schema);
  }
  const distinct = [...byType.values()];
  return distinct.length === 1 ? (distinct[0] as JsonSchema) : { anyOf: distinct };
}

function uniteSame(a: JsonSchema, b: JsonSchema): JsonSchema {
  if (a.type === 'object') {
    const pa = a.properties as Record<string, JsonSchema>;
    const pb = b.properties as Record<string, JsonSchema>;
    const properties: Record<string, JsonSchema> = {};
    for (const [key, schema] of Object.entries(pa)) setOwn(properties, key, schema);
    for (const [key, schema] of Object.entries(pb)) {
      const existing = Object.hasOwn(properties, key) ? properties[key] : undefined;
      setOwn(properties, key, existing ? unite([existing, schema]) : schema);
    }
    const inB = new Set(b.required as string[]);
    return {
      type: 'object',
      properties,
      required: (a.required as string[]).filter((k) => inB.has(k)),
    };
  }
  if (a.type === 'array') {
    if (!a.items) return b;
    if (!b.items) return a;
    return { type: 'array', items: unite([a.items as JsonSchema, b.items as JsonSchema]) };
  }
  return a;
}

/**
 * Infers a JSON Schema (draft 2020-12) from an example body, with every present key `required` —
 * a starting point for host apps that validate incoming bodies. Array elements are united: objects
 * merge (a key is required when every element has it), differing types become `anyOf`.
 *
 * @param example - JSON text, or an already parsed value.
 * @param options - `maxDepth`.
 * @returns the schema, with `$schema` set to draft 2020-12.
 * @throws {@link JsonSyntaxError} for malformed JSON text; `RangeError` past `maxDepth`.
 * @example
 * ```ts
 * jsonSchemaFromExample({ id: 7, tags: ['a'] });
 * // { $schema: '…/2020-12/schema', type: 'object', properties: { id: { type: 'number' }, tags: { … } }, required: ['id', 'tags'] }
 * ```
 */
export function jsonSchemaFromExample(
  example: unknown,
  options: JsonSchemaOptions = {},
): JsonSchema {
  const maxDepth = options.maxDepth ?? 256;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new RangeError(`maxDepth must be a positive integer, received ${String(maxDepth)}`);
  }
  const value = typeof example === 'string' ? parseJsonText(example) : example;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...schemaOf(value, 1, maxDepth),
  };
}
