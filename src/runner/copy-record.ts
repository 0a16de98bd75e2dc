import type { ExecutionRecord } from './types.js';

/**
 * A copy of a record that its reader can keep or change without changing the stored one: the
 * record, its history entries, error, response (with headers) and warnings are copied; `result` is
 * the workflow's own value and is shared.
 */
export function copyRecord(record: ExecutionRecord): ExecutionRecord {
  const copy: ExecutionRecord = { ...record };
  if (record.history) copy.history = record.history.map((attempt) => ({ ...attempt }));
  if (record.error) copy.error = { ...record.error };
  if (record.response)
    copy.response = { ...record.response, headers: { ...record.response.headers } };
  if (record.warnings) copy.warnings = [...record.warnings];
  return copy;
}
