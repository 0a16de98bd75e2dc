/**
 * `POST /hooks/github` and `POST /hooks/payments`: the router finds the trigger by the `[key]`
 * segment (its route, `/hooks/:key`, matches this folder's path). Next.js answers 405 to other
 * methods itself.
 */
import { toRouteHandler } from 'hookflow/next';
import { demoRouter } from '../../../lib/hooks';

export const runtime = 'nodejs';
export const POST = toRouteHandler(demoRouter());
