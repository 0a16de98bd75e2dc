import { getSegments, toSegments } from '../parse/path.js';
import { fromSpec } from './build.js';
import type { ResponseSpec, SentResponse } from './types.js';

/** The names a template can start from: `{{$context.body.id}}` reads `scope.$context`. */
export type TemplateScope = Record<`$${string}`, unknown>;

type Render = (scope: TemplateScope) => unknown;

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE_TEMPLATE = /^\{\{\s*([^{}]*?)\s*\}\}$/;
const EXPRESSION = /^(\$[A-Za-z_][A-Za-z0-9_]*)(.*)$/s;

function compileExpression(expression: string): Render {
  const match = EXPRESSION.exec(expression);
  if (!match) return () => undefined;
  const [, root = '', rest = ''] = match;
  const path = rest.startsWith('.') ? rest.slice(1) : rest;
  const segments = [root, ...(path === '' ? [] : (toSegments(path) ?? ['__proto__']))];
  // `__proto__` never resolves (own properties only), so a forbidden path renders empty.
  return (scope) => getSegments(scope, segments);
}

function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value) ?? '';
  return String(value);
}

/**
 * Tells which template expressions (the text between `{{` and `}}`, trimmed) must stay text: an
 * expression a caller sent must never be evaluated, or echoing request data through `respond()`
 * would let the caller read other parts of the context.
 */
export type IsLiteral = (expression: string) => boolean;

function compileString(text: string, isLiteral?: IsLiteral): Render | undefined {
  if (!text.includes('{{')) return undefined;
  const whole = WHOLE_TEMPLATE.exec(text);
  if (whole && !isLiteral?.(whole[1] ?? '')) {
    // A string that is exactly one template keeps the type of the value it reads.
    const read = compileExpression(whole[1] ?? '');
    // `null` is a value and keeps its type; only a path that is not there renders empty.
    return (scope) => {
      const value = read(scope);
      return value === undefined ? '' : value;
    };
  }
  const parts: (string | Render)[] = [];
  let last = 0;
  let renders = false;
  for (const match of text.matchAll(TEMPLATE)) {
    const literal = isLiteral?.(match[1] ?? '') === true;
    parts.push(
      text.slice(last, match.index),
      literal ? match[0] : compileExpression(match[1] ?? ''),
    );
    renders ||= !literal;
    last = match.index + match[0].length;
  }
  if (!renders) return undefined;
  parts.push(text.slice(last));
  return (scope) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : toText(part(scope));
    return out;
  };
}

/**
 * Compiles a value holding templates into a renderer, or `undefined` when it holds none (so that
 * static values cost nothing per request). Strings, arrays and plain objects are walked.
 */
export function compileTemplate(value: unknown, isLiteral?: IsLiteral): Render | undefined {
  if (typeof value === 'string') return compileString(value, isLiteral);
  if (Array.isArray(value)) {
    const items = value.map((item) => compileTemplate(item, isLiteral));
    if (items.every((item) => item === undefined)) return undefined;
    return (scope) => value.map((item, i) => (items[i] ? items[i](scope) : item));
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const entries = Object.entries(value).map(
      ([k, v]) => [k, v, compileTemplate(v, isLiteral)] as const,
    );
    if (entries.every(([, , render]) => render === undefined)) return undefined;
    return (scope) => {
      const out: Record<string, unknown> = {};
      for (const [k, v, render] of entries) out[k] = render ? render(scope) : v;
      return out;
    };
  }
  return undefined;
}

/**
 * Renders every template inside `value` against `scope`: `"{{$context.body.order.id}}"` keeps the
 * value's type, `"Order {{$context.query.id}} ok"` interpolates, unknown paths render empty.
 *
 * @param value - a string, array or object that may hold templates.
 * @param scope - the roots templates read from, such as `{ $context }`.
 * @returns the rendered copy (or `value` itself when it holds no templates).
 * @example
 * ```ts
 * renderTemplate({ id: '{{$context.body.id}}' }, { $context: { body: { id: 7 } } }); // { id: 7 }
 * ```
 */
export function renderTemplate(value: unknown, scope: TemplateScope): unknown {
  const render = compileTemplate(value);
  return render ? render(scope) : value;
}

/** A response spec compiled once: `render` gives the response to send for a scope. */
export interface CompiledResponse {
  /** `true` when the spec holds no templates (the same response every time). */
  readonly isStatic: boolean;
  /** Renders and serialises the response for this scope. */
  render(scope: TemplateScope): SentResponse;
}

/**
 * Compiles a {@link ResponseSpec} once. A spec without templates is serialised right away, so a
 * mistake in it throws here (at config time) rather than per request.
 *
 * @throws {@link WebhookTriggerError} `INVALID_RESPONSE` when a static spec is invalid.
 */
export function compileResponse(
  spec: ResponseSpec,
  defaultStatus = 200,
  isLiteral?: IsLiteral,
): CompiledResponse {
  const render = compileTemplate(spec, isLiteral);
  if (render === undefined) {
    const sent = fromSpec(spec, defaultStatus);
    // A text answer is shared, frozen, by every delivery (nothing may change it); bytes are not
    // frozen by freezing their owner, so each delivery gets its own copy of the response.
    if (typeof sent.body !== 'object') {
      Object.freeze(sent.headers);
      const shared = Object.freeze(sent);
      return { isStatic: true, render: () => shared };
    }
    return { isStatic: true, render: () => ({ ...sent, headers: { ...sent.headers } }) };
  }
  return {
    isStatic: false,
    render: (scope) => fromSpec(render(scope) as ResponseSpec, defaultStatus),
  };
}
