import { describe, expect, it } from 'vitest';
import { memoryExecutionStore } from './execution-store.js';
import type { ExecutionRecord, ExecutionStatus } from './types.js';

const record = (id: string, status: ExecutionStatus, second: number): ExecutionRecord => ({
  id,
  key: 'k',
  mode: 'async',
  status,
  attempts: 1,
  receivedAt: `2026-11-22T10:00:${String(second).padStart(2, '0')}.000Z`,
});

describe('memoryExecutionStore', () => {
  it('evicts the oldest finished records first, never a running one', async () => {
    const store = memoryExecutionStore({ maxRecords: 3 });
    store.put(record('a', 'started', 1));
    store.put(record('b', 'resolved', 2));
    store.put(record('c', 'queued', 3));
    store.put(record('d', 'failed', 4));
    expect((await store.list()).map((r) => r.id)).toEqual(['d', 'c', 'a']);
    store.put(record('e', 'resolved', 5));
    expect((await store.list()).map((r) => r.id)).toEqual(['e', 'c', 'a']);
  });

  it('stays bounded over many puts while a long run holds the oldest record, then evicts it', async () => {
    const store = memoryExecutionStore({ maxRecords: 10 });
    const long = record('long', 'started', 0);
    store.put(long);
    for (let i = 0; i < 5000; i++) store.put(record(`r${i}`, 'resolved', i % 60));
    const kept = await store.list();
    expect(kept).toHaveLength(10);
    expect(kept.map((r) => r.id)).toContain('long');
    expect(kept[0]?.id).toBe('r4999');
    store.put({ ...long, status: 'resolved' });
    for (let i = 5000; i < 5010; i++) store.put(record(`r${i}`, 'resolved', 0));
    expect((await store.list()).map((r) => r.id)).not.toContain('long');
    expect(await store.list()).toHaveLength(10);
  });

  it('lists newest first, by status, before a time, up to a limit', async () => {
    const store = memoryExecutionStore();
    for (let i = 0; i < 6; i++) store.put(record(`r${i}`, i % 2 ? 'dead' : 'resolved', i));
    expect((await store.list({ status: 'dead' })).map((r) => r.id)).toEqual(['r5', 'r3', 'r1']);
    expect((await store.list({ limit: 2 })).map((r) => r.id)).toEqual(['r5', 'r4']);
    expect((await store.list({ before: '2026-11-22T10:00:02.000Z' })).map((r) => r.id)).toEqual([
      'r1',
      'r0',
    ]);
  });

  it('hands out copies, so callers cannot change what it keeps', async () => {
    const store = memoryExecutionStore();
    store.put(record('a', 'resolved', 1));
    const copy = await store.get('a');
    if (copy) copy.status = 'dead';
    expect((await store.get('a'))?.status).toBe('resolved');
  });
});
