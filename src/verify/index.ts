export type { AuthCheck, AuthConfig, BasicAuthConfig } from './auth.js';
export { createAuthCheck } from './auth.js';
export { matchesAny, timingSafeEqualBytes, toBytes } from './constant-time.js';
