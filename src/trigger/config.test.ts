import { describe, expect, it } from 'vitest';
import type { WebhookTriggerConfig } from './config.js';
import { createTriggerKey, resolveTriggerConfig } from './config.js';

const workflow = () => {};

describe('resolveTriggerConfig', () => {
  it.each<[string, unknown, typeof TypeError | typeof RangeError, RegExp]>([
    ['a missing workflow', {}, TypeError, /"workflow" must be a function, received undefined/],
    ['a workflow that is not a function', { workflow: 'run' }, TypeError, /"workflow"/],
    [
      'an unknown mode',
      { workflow, mode: 'fast' },
      TypeError,
      /"mode" must be 'async' or 'sync', received "fast"/,
    ],
    [
      'a negative body limit',
      { workflow, limits: { maxBodyBytes: -1 } },
      RangeError,
      /"limits\.maxBodyBytes" must be from 1 to \d+, received -1/,
    ],
    [
      'a timeout past what timers hold',
      { workflow, limits: { timeoutMs: 2 ** 31 } },
      RangeError,
      /"limits\.timeoutMs" must be from 1 to 2147483647/,
    ],
    ['a zero timeout', { workflow, limits: { timeoutMs: 0 } }, RangeError, /"limits\.timeoutMs"/],
    [
      'a fractional timeout',
      { workflow, limits: { timeoutMs: 1.5 } },
      TypeError,
      /"limits\.timeoutMs" must be an integer/,
    ],
    [
      'auth without a password',
      { workflow, auth: { type: 'basic', username: 'u' } },
      TypeError,
      /auth\.password/,
    ],
    [
      'auth with an empty password',
      { workflow, auth: { type: 'basic', username: 'u', password: '' } },
      TypeError,
      /auth\.password/,
    ],
    ['an unknown auth type', { workflow, auth: { type: 'digest' } }, TypeError, /auth\.type/],
    [
      'a user name with a colon',
      { workflow, auth: { type: 'basic', username: 'a:b', password: 'p' } },
      TypeError,
      /auth\.username/,
    ],
    ['an unknown onTimeout', { workflow, onTimeout: 'retry' }, TypeError, /"onTimeout"/],
    ['an empty method list', { workflow, methods: [] }, TypeError, /"methods"/],
    ['a method with spaces', { workflow, methods: ['PO ST'] }, TypeError, /"methods"/],
    ['a key with a slash', { workflow, key: 'a/b' }, TypeError, /"key"/],
    ['enabled as a string', { workflow, enabled: 'yes' }, TypeError, /"enabled" must be a boolean/],
    [
      'a field without a path',
      { workflow, request: { body: [{ alias: 'x' }] } },
      TypeError,
      /request\.body\[0\]/,
    ],
    [
      'fields that are not a list',
      { workflow, request: { query: 'a' } },
      TypeError,
      /"request\.query"/,
    ],
    [
      'an invalid static response status',
      { workflow, response: { status: 99 } },
      TypeError,
      /"response"/,
    ],
    ['an invalid media range', { workflow, accept: ['json'] }, TypeError, /"accept"/],
    [
      'wildcard CORS with credentials',
      { workflow, cors: { origin: '*', credentials: true } },
      TypeError,
      /"cors\.origin"/,
    ],
    [
      'CORS allowHeaders as a string',
      { workflow, cors: { origin: '*', allowHeaders: 'x-a' } },
      TypeError,
      /"cors\.allowHeaders"/,
    ],
    [
      'a negative CORS max age',
      { workflow, cors: { origin: '*', maxAgeSeconds: -1 } },
      RangeError,
      /"cors\.maxAgeSeconds"/,
    ],
    ['a clock that is not a function', { workflow, clock: 5 }, TypeError, /"clock"/],
    [
      'an executor without execute()',
      { executor: {} },
      TypeError,
      /"executor" must be an object with execute\(\)/,
    ],
    [
      'a queue without process()',
      { workflow, queue: { enqueue() {}, close() {} } },
      TypeError,
      /"queue"/,
    ],
    [
      'a store without list()',
      { workflow, executions: { put() {}, get() {} } },
      TypeError,
      /"executions"/,
    ],
  ])('throws for %s, naming the option', (_name, config, kind, message) => {
    expect(() => resolveTriggerConfig(config as WebhookTriggerConfig)).toThrow(kind);
    expect(() => resolveTriggerConfig(config as WebhookTriggerConfig)).toThrow(message);
  });

  it('applies the documented defaults', () => {
    const resolved = resolveTriggerConfig({ workflow });
    expect(resolved).toMatchObject({
      mode: 'async',
      enabled: true,
      allow: 'POST',
      maxBodyBytes: 1024 * 1024,
      timeoutMs: 30_000,
      onTimeout: 'reject',
      exposeErrors: false,
    });
    expect(resolved.key).toMatch(/^[0-9a-z]{11}$/);
    expect(resolved.acknowledgement.render({})).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'ok',
    });
  });
});

describe('createTriggerKey', () => {
  it('makes distinct 11-character base-36 keys', () => {
    const keys = new Set(Array.from({ length: 1000 }, createTriggerKey));
    expect(keys.size).toBe(1000);
    for (const key of keys) expect(key).toMatch(/^[0-9a-z]{11}$/);
  });
});
