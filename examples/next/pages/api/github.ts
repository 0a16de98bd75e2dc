/**
 * `POST /api/github`: the same GitHub trigger as `/hooks/github`, served by a Pages Router API
 * route. Next.js's body parser is off, so the trigger reads the exact bytes GitHub signed.
 */
import { toPagesHandler } from 'hookflow/next';
import { demoTrigger } from '../../lib/hooks';

export const config = { api: { bodyParser: false } };
export default toPagesHandler(demoTrigger('github'));
