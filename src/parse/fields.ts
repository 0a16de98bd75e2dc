import { getSegments, toSegments } from './path.js';

/** One variable to extract: a path (a header name for headers), with an optional alias. */
export interface FieldSpec {
  /** Where to read: a header name, or a path such as `order.id` or `items[0].sku`. */
  path: string;
  /** The name under `ctx.vars`. @defaultValue the path itself */
  alias?: string;
  /** When `true`, a request without this field is answered 400 `MISSING_FIELDS`. @defaultValue `false` */
  required?: boolean;
}

/** A field to extract: a bare path, or a {@link FieldSpec}. */
export type FieldConfig = string | FieldSpec;

/** Where a field is read from. */
export type FieldSource = 'headers' | 'query' | 'body';

/** A field resolved once, at config time. */
export interface ResolvedField {
  source: FieldSource;
  path: string;
  name: string;
  required: boolean;
  segments: readonly string[];
}

/**
 * Resolves one field config of one source.
 *
 * @throws TypeError naming `option` when the field is malformed or its path is unsafe.
 */
export function resolveField(source: FieldSource, field: unknown, option: string): ResolvedField {
  const spec = typeof field === 'string' ? { path: field } : field;
  if (spec === null || typeof spec !== 'object' || typeof (spec as FieldSpec).path !== 'string') {
    throw new TypeError(`${option} must be a path string or { path, alias?, required? }`);
  }
  const { path, alias, required } = spec as FieldSpec;
  if (path.trim() === '') throw new TypeError(`${option}.path must not be empty`);
  if (alias !== undefined && (typeof alias !== 'string' || alias === '')) {
    throw new TypeError(`${option}.alias must be a non-empty string, received ${String(alias)}`);
  }
  if (required !== undefined && typeof required !== 'boolean') {
    throw new TypeError(`${option}.required must be a boolean, received ${typeof required}`);
  }
  // Header names are names, not paths: `x-request.id` is one header.
  const segments = source === 'headers' ? [path.toLowerCase()] : toSegments(path);
  if (segments === undefined || segments.length === 0) {
    throw new TypeError(`${option}.path "${path}" may not use __proto__, constructor or prototype`);
  }
  const name = alias ?? path;
  // `vars.__proto__ = value` would replace the prototype of vars instead of adding a variable.
  if (name === '__proto__') throw new TypeError(`${option} may not be named __proto__`);
  return { source, path, name, required: required === true, segments };
}

/** What {@link extractFields} reports missing when a trigger asks for no fields. */
const NONE_MISSING: readonly string[] = Object.freeze([]);

/**
 * Reads every resolved field from the request parts into `vars`.
 *
 * @returns the variables, and the `source.path` of every required field that is missing (absent or
 * `null`).
 */
export function extractFields(
  fields: readonly ResolvedField[],
  parts: Record<FieldSource, unknown>,
): { vars: Record<string, unknown>; missing: readonly string[] } {
  const vars: Record<string, unknown> = {};
  if (fields.length === 0) return { vars, missing: NONE_MISSING };
  const missing: string[] = [];
  for (const field of fields) {
    const value = getSegments(parts[field.source], field.segments);
    if (value === undefined || value === null) {
      if (field.required) missing.push(`${field.source}.${field.path}`);
      if (value === undefined) continue;
    }
    vars[field.name] = value;
  }
  return { vars, missing };
}
