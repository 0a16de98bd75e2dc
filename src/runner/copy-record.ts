import type { SentResponse } from '../response/types.js';
import type { AttemptRecord, ExecutionRecord } from './types.js';

/**
 * A copy of a record that its reader can keep or change without changing the stored one: the
 * record, its history entries (with their errors), error, response (with headers) and warnings
 * are copied; `result` is the workflow's own value and is shared.
 */
export function copyRecord(record: ExecutionRecord): ExecutionRecord {
  const copy: ExecutionRecord = { ...record };
  if (record.history) copy.history = record.history.map(copyAttempt);
  if (record.error) copy.error = { ...record.error };
  if (record.response) copy.response = copyResponse(record.response);
  if (record.warnings) copy.warnings = [...record.warnings];
  return copy;
}

/** A copy of a sent response, its headers copied too; the body is shared (text, or bytes). */
export function copyResponse(response: SentResponse): SentResponse {
  return { ...response, headers: { ...response.headers } };
}

/** A copy of one attempt of a record's history, its error copied too. */
export function copyAttempt(attempt: AttemptRecord): AttemptRecord {
  const copy = { ...attempt };
  if (attempt.error) copy.error = { ...attempt.error };
  return copy;
}
