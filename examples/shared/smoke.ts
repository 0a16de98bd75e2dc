/** The smoke tests every framework example shares; each example adds its own on top. */
import { signGithub } from 'hookflow/verify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Demo, DemoOptions } from './demo.js';

const secret = 'test-secret';
const json = { 'content-type': 'application/json' };

/** What {@link describeDemo} hands to the example's own tests. */
export interface DemoHarness {
  /** The started demo (set in `beforeAll`). */
  readonly demo: Demo;
  /** Everything the demo logged so far. */
  readonly logs: string[];
  /** POSTs `body` as JSON to `path` on the demo. */
  post(path: string, body: string, headers?: Record<string, string>): Promise<Response>;
}

/** Options of {@link describeDemo}. */
export interface DescribeDemoOptions {
  /** The app's own routes: `GET /health` only, or also `POST /api/notes`. */
  appRoutes: 'health' | 'health+notes';
  /** The title of the app-routes test. @defaultValue `"serves the app's own routes beside the triggers"` */
  appRoutesTitle?: string;
  /** Registers the example's own tests inside the same `describe`. */
  extra?: (harness: DemoHarness) => void;
}

/**
 * Registers `describe(name)` with the common smoke tests: the signed curl in the banner, a signed
 * GitHub delivery (202 and the logged run), 401 for a wrong secret, the payments answers and the app's
 * own routes.
 */
export function describeDemo(
  name: string,
  startDemo: (options: DemoOptions) => Promise<Demo>,
  options: DescribeDemoOptions,
): void {
  describe(name, () => {
    const logs: string[] = [];
    let demo: Demo;

    beforeAll(async () => {
      demo = await startDemo({ port: 0, log: (line) => logs.push(line), githubSecret: secret });
    });

    afterAll(async () => {
      await demo?.close();
    });

    function post(path: string, body: string, headers: Record<string, string> = {}) {
      return fetch(`${demo.url}${path}`, {
        method: 'POST',
        headers: { ...json, ...headers },
        body,
      });
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

    const title = options.appRoutesTitle ?? "serves the app's own routes beside the triggers";
    it(title, async () => {
      const health = await fetch(`${demo.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });
      if (options.appRoutes === 'health+notes') {
        const note = await post('/api/notes', '{"text":"hello"}');
        expect(note.status).toBe(201);
        expect(await note.json()).toEqual({ id: 1, text: 'hello' });
      }
    });

    options.extra?.({
      get demo() {
        return demo;
      },
      logs,
      post,
    });
  });
}
