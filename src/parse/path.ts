import toPath from 'lodash/toPath.js';

/** Segments that would let a path reach an object's prototype chain. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Splits a path (`a.b`, `a[0].b`, `a.0.b`, `["a.b"].c`) into its segments.
 *
 * @returns the segments, or `undefined` when a segment is `__proto__`, `constructor` or `prototype`.
 */
export function toSegments(path: string): readonly string[] | undefined {
  const segments = toPath(path);
  return segments.some((segment) => FORBIDDEN_SEGMENTS.has(segment)) ? undefined : segments;
}

/** Resolves already split segments, reading own properties only. */
export function getSegments(value: unknown, segments: readonly string[] | undefined): unknown {
  if (segments === undefined) return undefined;
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Reads the value at `path` inside `value`, the way workflow variables and templates do.
 *
 * Accepts the forms users type (`a.b`, `a[0].b`, `a.0.b`, `["a.b"]`). Only own properties are read,
 * and a path through `__proto__`, `constructor` or `prototype` resolves to `undefined`.
 *
 * @param value - the object to read (a request body, query, or a whole context).
 * @param path - the path to read; an empty path returns `value` itself.
 * @returns the value found, or `undefined`.
 * @example
 * ```ts
 * getPath({ order: { items: [{ sku: 'A1' }] } }, 'order.items[0].sku'); // 'A1'
 * ```
 */
export function getPath(value: unknown, path: string): unknown {
  return getSegments(value, toSegments(path));
}
