import { signGithub } from 'hookflow/verify';
import { beforeAll, expect, it } from 'vitest';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../../test/next-build';
import { describeDemo } from '../shared/smoke';
import { startDemo } from './server';

// The demo serves the production build: make it (or remake it, when stale) first.
beforeAll(async () => {
  await ensureNextBuild(new URL('.', import.meta.url).pathname, ['examples/shared']);
}, NEXT_BUILD_TIMEOUT_MS);

describeDemo('examples/next', startDemo, {
  appRoutes: 'health',
  extra: ({ post, logs }) => {
    it('answers 404 TRIGGER_NOT_FOUND for an unknown key', async () => {
      const response = await post('/hooks/unknown', '{}');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'TRIGGER_NOT_FOUND' } });
    });

    it('verifies a signed delivery on the Pages Router API route, its body parser off', async () => {
      const body = '{ "action": "closed" }';
      const signed = await post('/api/github', body, await signGithub('test-secret', body));
      expect(signed.status).toBe(202);
      expect(await signed.json()).toEqual({ accepted: expect.any(String) });
      const forged = await post('/api/github', body, await signGithub('wrong', body));
      expect(forged.status).toBe(401);
      expect(await forged.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
      await expect
        .poll(() => logs, { timeout: 2000, interval: 20 })
        .toContain('[github] delivery closed processed (attempt 1)');
    });
  },
});
