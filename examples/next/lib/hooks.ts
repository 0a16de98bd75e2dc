/**
 * The demo's webhook router, one per process. Next.js may evaluate this module once per route
 * bundle, and again on every reload in development, while a router holds state that must not be
 * split: its in-process queue and its execution records. So the router is kept on `globalThis`.
 */
import type { WebhookRouter, WebhookTrigger } from 'hookflow';
import { createDemoRouter, demoSecret } from '../../shared/demo';

const ROUTER = Symbol.for('hookflow.examples.next.router');

/** Where the router is kept: a property of `globalThis` under a registered symbol. */
type RouterSlot = { [ROUTER]?: WebhookRouter };

/**
 * The process's router (`github` and `payments` under `/hooks/:key`), created on first use with
 * `GITHUB_WEBHOOK_SECRET` (default `'demo-secret'`) unless a custom server provided one.
 */
export function demoRouter(): WebhookRouter {
  const slot = globalThis as RouterSlot;
  slot[ROUTER] ??= createDemoRouter(demoSecret({}), console.log);
  return slot[ROUTER];
}

/** Lets a custom server (`server.ts`) provide the router before Next.js loads any route. */
export function provideDemoRouter(router: WebhookRouter): void {
  (globalThis as RouterSlot)[ROUTER] = router;
}

/** One trigger of the router, by key. */
export function demoTrigger(key: string): WebhookTrigger {
  const trigger = demoRouter().get(key);
  if (!trigger) throw new Error(`The demo router has no trigger "${key}"`);
  return trigger;
}
