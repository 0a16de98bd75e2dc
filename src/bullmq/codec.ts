import type { SentResponse } from '../response/index.js';
import type { BackoffConfig, ExecutionRecord, Job, TriggerContext } from '../runner/index.js';

/** What a BullMQ job holds: the delivery as JSON, raw bytes as base64 only when asked for. */
export interface JobData {
  id: string;
  key: string;
  context: Omit<TriggerContext, 'rawBody'> & { rawBody?: string };
  backoff?: BackoffConfig;
}

/** A response as JSON: binary bodies as base64. */
export type SentJson = Omit<SentResponse, 'body'> & { body?: string; bodyBase64?: string };

const toBase64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

const fromBase64 = (text: string) => {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
};

export function encodeJob(job: Job, keepRawBody: boolean, backoff?: BackoffConfig): JobData {
  const { rawBody, ...context } = job.context;
  const data: JobData = {
    id: job.id,
    key: job.key,
    context: keepRawBody && rawBody ? { ...context, rawBody: toBase64(rawBody) } : context,
  };
  if (backoff) data.backoff = backoff;
  return data;
}

export function decodeJob(data: JobData): Job {
  const { rawBody, ...context } = data.context;
  return {
    id: data.id,
    key: data.key,
    context: rawBody === undefined ? context : { ...context, rawBody: fromBase64(rawBody) },
  };
}

export function encodeSent(sent: SentResponse): SentJson {
  const { body, ...rest } = sent;
  if (body === undefined) return rest;
  return typeof body === 'string' ? { ...rest, body } : { ...rest, bodyBase64: toBase64(body) };
}

/** A value read back from JSON: a response (binary body restored) stays one; others as they are. */
export function decodeSent(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const { bodyBase64, ...rest } = value as SentJson;
  return typeof bodyBase64 === 'string' ? { ...rest, body: fromBase64(bodyBase64) } : value;
}

/** A record as JSON text: a binary response body as base64. */
export function encodeRecord(record: ExecutionRecord): string {
  return JSON.stringify(
    record.response ? { ...record, response: encodeSent(record.response) } : record,
  );
}

export function decodeRecord(text: string): ExecutionRecord {
  const record = JSON.parse(text) as ExecutionRecord;
  if (record.response) record.response = decodeSent(record.response) as SentResponse;
  return record;
}

/**
 * A BullMQ job id for an execution id. BullMQ keeps ids inside Redis key names (`:` separates
 * their parts) and reads all-digit ids as its own counters, so any other id is encoded: `~` and
 * base64url, a form no id left as it is can take.
 */
export function jobIdOf(executionId: string): string {
  return /^[A-Za-z0-9._-]+$/.test(executionId) && !/^\d+$/.test(executionId)
    ? executionId
    : `~${Buffer.from(executionId, 'utf8').toString('base64url')}`;
}
