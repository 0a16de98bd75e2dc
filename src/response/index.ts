export type { NodeResponseLike } from './build.js';
export {
  fromError,
  fromSpec,
  fromValue,
  toResponse,
  toStatus,
  writeNodeResponse,
} from './build.js';
export type { ErrorCode, WebhookTriggerErrorOptions } from './errors.js';
export { ERROR_STATUS, isWebhookTriggerError, WebhookTriggerError } from './errors.js';
export type { CompiledResponse, IsLiteral, TemplateScope } from './template.js';
export { compileResponse, compileTemplate, renderTemplate } from './template.js';
export type { ResponseSpec, SentResponse } from './types.js';
