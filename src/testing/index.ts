export type { FakeClock, FakeClockConfig } from './fake-clock.js';
export { fakeClock } from './fake-clock.js';
export type { InvokeOptions, InvokeResult } from './invoke.js';
export { invoke } from './invoke.js';
export type { TestSignConfig } from './sign.js';
export type { TestRequestConfig } from './test-request.js';
export { createTestRequest } from './test-request.js';
