export { checkContentLength, readLimitedBody } from './body.js';
export type { BodyKind, MediaType } from './content-type.js';
export { createMediaTypeMatcher, decodeBody, parseMediaType, toBodyKind } from './content-type.js';
export type { FieldConfig, FieldSource, FieldSpec, ResolvedField } from './fields.js';
export { extractFields, resolveField } from './fields.js';
export { getPath, getSegments, toSegments } from './path.js';
export { parseQueryString, parseUrlQuery, QS_OPTIONS } from './query.js';
