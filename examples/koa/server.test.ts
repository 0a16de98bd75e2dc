import { signGithub } from 'hookflow/verify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Demo } from './server.js';
import { startDemo } from './server.js';

const secret = 'test-secret';
const json = { 'content-type': 'application/json' };

describe('examples/koa', () => {
  const logs: string[] = [];
  let demo: Demo;

  beforeAll(async () => {
    demo = await startDemo({ port: 0, log: (line) => logs.push(line), githubSecret: secret });
  });

  afterAll(async () => {
    await demo?.close();
  });

  function post(path: string, body: string, headers: Record<string, string> = {}) {
    return fetch(`${demo.url}${path}`, { method: 'POST', headers: { ...json, ...headers }, body });
  }

  it('listens on 127.0.0.1 and prints a signed curl command', () => {
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.url).not.toMatch(/:0$/);
    const curls = logs.filter((line) => line.trim().startsWith('curl '));
    expect(curls).toHaveLength(1);
    expect(curls[0]).toContain(`${demo.url}/hooks/github`);
    expect(curls[0]).toContain('x-hub-signature-256: sha256=');
  });

  it('acknowledges a signed GitHub delivery with 202, then runs the workflow', async () => {
    const body = '{ "action": "opened" }';
    const response = await post('/hooks/github', body, await signGithub(secret, body));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: expect.any(String) });
    await vi.waitFor(
      () => expect(logs).toContain('[github] delivery opened processed (attempt 1)'),
      {
        timeout: 2000,
        interval: 20,
      },
    );
  });

  it('answers 401 for a delivery signed with another secret', async () => {
    const body = '{"action":"opened"}';
    const response = await post('/hooks/github', body, await signGithub('wrong', body));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
  });

  it.each([
    ['paid', 200, { ok: true }],
    ['pending', 400, { ok: false }],
  ] as const)('answers a %s payment with %i', async (status, code, expected) => {
    const response = await post('/hooks/payments', JSON.stringify({ status }));
    expect(response.status).toBe(code);
    expect(await response.json()).toEqual(expected);
  });

  it("serves the app's own JSON routes beside the triggers", async () => {
    const health = await fetch(`${demo.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const note = await post('/api/notes', '{"text":"hello"}');
    expect(note.status).toBe(201);
    expect(await note.json()).toEqual({ id: 1, text: 'hello' });
  });
});
