import type { ExecutionRecord, WebhookTrigger } from 'hookflow';

/** A POST request to a trigger URL; objects are sent as JSON. */
export function post(body?: unknown, init: RequestInit & { url?: string } = {}): Request {
  const { url = 'http://127.0.0.1/hooks/test', headers, ...rest } = init;
  const isText = typeof body === 'string' || body instanceof Uint8Array || body === undefined;
  const all = new Headers(headers);
  if (!isText && !all.has('content-type')) all.set('content-type', 'application/json');
  return new Request(url, {
    method: 'POST',
    headers: all,
    body: body === undefined ? null : isText ? (body as BodyInit) : JSON.stringify(body),
    ...rest,
  });
}

/** Reads a response into what a caller sees. */
export async function seen(response: Response) {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: Object.fromEntries(response.headers), text, json };
}

/** Waits (bounded) until the trigger's records satisfy `done`. */
export async function waitForRecords(
  trigger: WebhookTrigger,
  done: (records: ExecutionRecord[]) => boolean,
  timeoutMs = 5000,
): Promise<ExecutionRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = await trigger.executions.list();
    if (done(records)) return records;
    if (Date.now() > deadline) throw new Error(`records not settled: ${JSON.stringify(records)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
