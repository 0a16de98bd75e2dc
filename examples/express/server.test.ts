import { describeDemo } from '../shared/smoke.js';
import { startDemo } from './server.js';

describeDemo('examples/express', startDemo, {
  appRoutes: 'health+notes',
  appRoutesTitle: "serves the app's own express.json() routes beside the triggers",
});
