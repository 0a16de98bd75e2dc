import { expect, it } from 'vitest';
import { describeDemo } from '../shared/smoke.js';
import { startDemo } from './server.js';

describeDemo('examples/hono', startDemo, {
  appRoutes: 'health',
  extra: ({ post }) => {
    it('answers 404 TRIGGER_NOT_FOUND for an unknown key', async () => {
      const response = await post('/hooks/unknown', '{}');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'TRIGGER_NOT_FOUND' } });
    });
  },
});
