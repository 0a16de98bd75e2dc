import { parseJsonText } from './json-error.js';
import { parseQueryString } from './query.js';

/** The JSON type of a value at a path. */
export type PathType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

/** One variable path found in an example. */
export interface PathEntry {
  /** The path, e.g. `order.items[0].sku` or `["a.b"].c`; `getPath(example, path)` reads it back. */
  path: string;
  /** The JSON type of the value there. */
  type: PathType;
  /** The value there, from the example (objects and arrays by reference). */
  example: unknown;
}

/** Options of {@link pathsFromJson} and {@link pathsFromUrl}. */
export interface PathsOptions {
  /**
   * How array elements are listed: `index` lists every element (`items[0]`, `items[1]`, …);
   * `first` only `[0]`; `merge` lists under `[0]` the union of every element's paths, which suits
   * configuring a field from a list whose elements differ.
   * @defaultValue `'index'`
   */
  arrays?: 'index' | 'first' | 'merge';
  /**
   * The deepest nesting accepted; deeper examples throw a `RangeError` instead of exhausting the
   * stack. @defaultValue `256`
   */
  maxDepth?: number;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function typeOf(value: unknown): PathType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

/** The path suffix of one object key: `.key` for identifiers, `["key"]` for anything else. */
function keySuffix(key: string): string {
  // Escaped the way lodash's toPath reads it back: only `\` and `"` need it.
  return IDENTIFIER.test(key) ? `.${key}` : `["${key.replace(/[\\"]/g, '\\$&')}"]`;
}

/** Deep union of array elements for `arrays: 'merge'`: first value wins, objects and arrays merge. */
function mergeElements(elements: readonly unknown[]): unknown {
  let merged: unknown;
  for (const element of elements)
    merged = merged === undefined ? element : mergeTwo(merged, element);
  return merged;
}

function mergeTwo(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b))
    return [mergeElements([...a, ...b])].filter((v) => v !== undefined);
  if (typeOf(a) !== 'object' || typeOf(b) !== 'object') return a;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [key, value] of Object.entries(b as Record<string, unknown>)) {
    out[key] = Object.hasOwn(out, key) ? mergeTwo(out[key], value) : value;
  }
  return out;
}

// Real payloads repeat the same keys and indexes thousands of times, and successive calls see the
// same keys again: each suffix is built once per process (bounded, so hostile keys cannot grow it).
const KEY_SUFFIXES = new Map<string, string>();
const MAX_CACHED_KEYS = 65_536;
const INDEX_SUFFIXES: string[] = [];

function suffixOf(key: string): string {
  let suffix = KEY_SUFFIXES.get(key);
  if (suffix === undefined) {
    suffix = keySuffix(key);
    if (KEY_SUFFIXES.size < MAX_CACHED_KEYS) KEY_SUFFIXES.set(key, suffix);
  }
  return suffix;
}

interface Walk {
  out: PathEntry[];
  arrays: 'index' | 'first' | 'merge';
  maxDepth: number;
}

function push(walk: Walk, path: string, value: unknown, depth: number) {
  if (value === null) {
    walk.out.push({ path, type: 'null', example: value });
  } else if (typeof value === 'object') {
    walk.out.push({ path, type: Array.isArray(value) ? 'array' : 'object', example: value });
    visit(walk, value, path, depth + 1);
  } else {
    walk.out.push({ path, type: typeOf(value), example: value });
  }
}

function visit(walk: Walk, value: object, path: string, depth: number) {
  if (depth > walk.maxDepth) {
    throw new RangeError(`The example is nested deeper than ${walk.maxDepth} levels (maxDepth).`);
  }
  if (Array.isArray(value)) {
    const { arrays } = walk;
    const elements =
      arrays === 'merge' ? [mergeElements(value)] : arrays === 'first' ? value.slice(0, 1) : value;
    for (let i = 0; i < elements.length; i++) {
      const element: unknown = elements[i];
      if (element === undefined) continue;
      INDEX_SUFFIXES[i] ??= `[${i}]`;
      push(walk, path + INDEX_SUFFIXES[i], element, depth);
    }
    return;
  }
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    // Paths through these keys never resolve (getPath refuses them), so they are not listed.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const element = (value as Record<string, unknown>)[key];
    if (element === undefined) continue;
    const suffix = suffixOf(key);
    push(walk, path === '' && suffix.charCodeAt(0) === 46 ? key : path + suffix, element, depth);
  }
}

/**
 * Lists every variable path of an already parsed example, depth-first, parents before children.
 */
export function collectPaths(root: unknown, options: PathsOptions = {}): PathEntry[] {
  const maxDepth = options.maxDepth ?? 256;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new RangeError(`maxDepth must be a positive integer, received ${String(maxDepth)}`);
  }
  const arrays = options.arrays ?? 'index';
  if (arrays !== 'index' && arrays !== 'first' && arrays !== 'merge') {
    throw new RangeError(`arrays must be 'index', 'first' or 'merge', received ${String(arrays)}`);
  }
  const walk: Walk = { out: [], arrays, maxDepth };
  if (root !== null && typeof root === 'object') visit(walk, root, '', 1);
  return walk.out;
}

/**
 * Lists the variable paths of an example JSON body — what a workflow can read from `ctx.body`, and
 * what `request.body` fields can name.
 *
 * @param example - JSON text, or an already parsed value.
 * @param options - `arrays` (`index`, `first`, `merge`) and `maxDepth`.
 * @returns the entries, depth-first in document order, each with its `type` and `example` value.
 * @throws {@link JsonSyntaxError} (a `SyntaxError`) with line, column and position for malformed
 * JSON; `RangeError` for nesting deeper than `maxDepth`.
 * @example
 * ```ts
 * pathsFromJson('{"a":1,"b":{"c":2}}').map((e) => e.path); // ['a', 'b', 'b.c']
 * ```
 */
export function pathsFromJson(example: unknown, options?: PathsOptions): PathEntry[] {
  return collectPaths(typeof example === 'string' ? parseJsonText(example) : example, options);
}

/**
 * Lists the variable paths of an example URL's query string — what `ctx.query` will hold, parsed
 * with the same qs options as the trigger.
 *
 * @param example - a full URL, a query string with or without `?`, or a bare `a=1&b=2`.
 * @param options - `arrays` and `maxDepth`, as for {@link pathsFromJson}.
 * @returns the entries, depth-first.
 * @example
 * ```ts
 * pathsFromUrl('http://localhost:13000/api/webhook:trigger/1hfmkioou0d?query[0][a]=1').map((e) => e.path);
 * // ['query', 'query[0]', 'query[0].a']
 * ```
 */
export function pathsFromUrl(example: string, options?: PathsOptions): PathEntry[] {
  if (typeof example !== 'string') {
    throw new TypeError(`pathsFromUrl expects a URL or query string, received ${typeof example}`);
  }
  // The fragment is not part of the query, even when it holds a "?" (`/#/route?a=1`).
  const hash = example.indexOf('#');
  const text = hash === -1 ? example : example.slice(0, hash);
  const start = text.indexOf('?');
  // Without "?", only something shaped like `a=1&b=2` is a bare query; a URL, a path or a host
  // name (`example.com/hook`) has no query.
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.startsWith('/');
  const isBareQuery = !isUrl && /^[^/]*=/.test(text);
  const query = start !== -1 ? text.slice(start + 1) : isBareQuery ? text : '';
  return collectPaths(parseQueryString(query), options);
}
