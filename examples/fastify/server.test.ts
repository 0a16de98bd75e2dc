import { describeDemo } from '../shared/smoke.js';
import { startDemo } from './server.js';

describeDemo('examples/fastify', startDemo, {
  appRoutes: 'health+notes',
  appRoutesTitle: "serves the app's own JSON routes beside the triggers",
});
