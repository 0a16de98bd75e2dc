/**
 * The handlers bench/http (in its server processes, bench/http-server.mjs) and bench/cpu (in one
 * process) measure, built from the same settings: a bare node:http handler, a hookflow trigger
 * (Basic auth, or `github()` verification), and `@octokit/webhooks`' Node middleware.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks';
import { createWebhookTrigger, memoryQueue } from 'hookflow';
import { github } from 'hookflow/verify';

/** @typedef {{ path: string, username: string, password: string, secret: string }} Settings */

/**
 * A hookflow trigger on an in-memory queue with a no-op workflow.
 * @param {Settings} settings @param {boolean} verify `github()` verification, else Basic auth
 */
export function hookflowTrigger(settings, verify) {
  return createWebhookTrigger({
    key: 'bench',
    queue: memoryQueue({ concurrency: 16, maxQueued: 10_000_000 }),
    ...(verify
      ? { verify: github({ secret: settings.secret }) }
      : { auth: { type: 'basic', username: settings.username, password: settings.password } }),
    workflow: () => {},
  });
}

/**
 * `@octokit/webhooks`' Node middleware with a no-op `push` handler.
 * @param {Settings} settings
 * @returns {import('node:http').RequestListener}
 */
export function octokitListener(settings) {
  const webhooks = new Webhooks({ secret: settings.secret });
  webhooks.on('push', () => {});
  const middleware = createNodeMiddleware(webhooks, { path: settings.path });
  return (req, res) => {
    void middleware(req, res);
  };
}

/**
 * The same work written by hand: Basic auth compared in constant time, the body read and parsed,
 * an in-memory FIFO drained by a `setImmediate` worker, 200 ok.
 * @param {Settings} settings
 */
export function bareListener(settings) {
  const expected = Buffer.from(
    `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`,
  );
  /** @typedef {{ id: string, receivedAt: number, body: unknown }} Job */
  /** @type {Job[]} */
  let fifo = [];
  let scheduled = false;
  /** The no-op workflow. */
  const workflow = (/** @type {Job} */ _job) => {};
  // Each turn runs every job queued so far, as hookflow's memory queue does with a workflow that
  // returns at once: the queue never grows, whatever the request rate.
  function work() {
    scheduled = false;
    const jobs = fifo;
    fifo = [];
    for (const job of jobs) workflow(job);
  }
  function schedule() {
    if (!scheduled) {
      scheduled = true;
      setImmediate(work);
    }
  }
  /** @param {import('node:http').ServerResponse} res */
  function answer(res, /** @type {number} */ status, /** @type {string} */ text) {
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }
  /** @type {import('node:http').RequestListener} */
  return function bareHandler(req, res) {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      req.resume();
      answer(res, 401, 'unauthorized');
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer(res, 400, 'invalid json');
        return;
      }
      fifo.push({ id: randomUUID(), receivedAt: Date.now(), body });
      schedule();
      answer(res, 200, 'ok');
    });
  };
}
