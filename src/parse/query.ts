import qs from 'qs';

/**
 * The qs options for every query string and form body hookflow parses. Bounded so that a hostile
 * request cannot build deep or huge structures, and prototype keys (`__proto__`, `constructor`,
 * `hasOwnProperty`, …) are dropped rather than assigned.
 */
export const QS_OPTIONS = {
  depth: 8,
  arrayLimit: 100,
  parameterLimit: 1000,
  allowPrototypes: false,
  allowSparse: false,
  duplicates: 'combine',
  ignoreQueryPrefix: true,
} as const satisfies qs.IParseOptions;

/** Parses a query string or form body (`a=1&b[c]=2`, with or without `?`) with {@link QS_OPTIONS}. */
export function parseQueryString(text: string): Record<string, unknown> {
  return text === '' || text === '?' ? {} : qs.parse(text, QS_OPTIONS);
}

/** Parses the query part of a URL, or `{}` when it has none. */
export function parseUrlQuery(url: string): Record<string, unknown> {
  const start = url.indexOf('?');
  if (start === -1) return {};
  const hash = url.indexOf('#', start);
  return parseQueryString(url.slice(start + 1, hash === -1 ? undefined : hash));
}
