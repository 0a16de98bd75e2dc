/**
 * An Express app with its own JSON routes and two hookflow triggers beside them:
 *
 * - `GET /health` and `POST /api/notes`: the app's routes, behind `express.json()`.
 * - `POST /hooks/github` (async, GitHub signature): acknowledges with 202 once the delivery is
 *   verified and queued, then runs the workflow in the background.
 * - `POST /hooks/payments` (sync): answers 200 `{ ok: true }` for `{ "status": "paid" }`, else 400.
 *
 * The webhook router is mounted before `express.json()`, so the trigger reads the exact bytes
 * GitHub signed; the router passes every other path on to the app.
 *
 * Run it from this folder with `npx tsx server.ts` (`PORT=0` picks a free port).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expressHandler } from 'hookflow/express';
import type { Demo, DemoOptions } from '../shared/demo.js';
import {
  announce,
  createCloser,
  createDemoRouter,
  demoSecret,
  HOST,
  runWhenMain,
} from '../shared/demo.js';

export type { Demo, DemoOptions } from '../shared/demo.js';

/** Starts the Express demo on 127.0.0.1 (`port` 0 picks a free one); resolves once it listens. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? console.log;
  const secret = demoSecret(options);
  const router = createDemoRouter(secret, log);

  const notes: string[] = [];
  const app = express();
  // Before the parser: the trigger reads and verifies the raw body itself.
  app.use(expressHandler(router));
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/api/notes', (req, res) => {
    const text = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string') {
      res.status(400).json({ error: 'expected { "text": string }' });
      return;
    }
    notes.push(text);
    res.status(201).json({ id: notes.length, text });
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const started = app.listen(options.port ?? 3000, HOST, (error?: Error) =>
      error ? reject(error) : resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${HOST}:${port}`;

  await announce({ url, secret, log, framework: 'Express' });
  return { url, close: createCloser(server, router) };
}

runWhenMain(import.meta.url, startDemo);
