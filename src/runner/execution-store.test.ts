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
  it('evicts the oldest finished records first, keeping running ones while finished ones are left', async () => {
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

  it('stays bounded when more records are running than it keeps: the oldest running ones go', async () => {
    // A web process whose queue runs deliveries in other processes only ever sees them queued.
    const store = memoryExecutionStore({ maxRecords: 100 });
    for (let i = 0; i < 20_000; i++) store.put(record(`q${i}`, 'queued', i % 60));
    const kept = await store.list();
    expect(kept).toHaveLength(100);
    expect(kept[0]?.id).toBe('q19999');
    expect(kept.at(-1)?.id).toBe('q19900');
    expect(await store.get('q19899')).toBeUndefined();
  });

  it('evicts a record that was running once its run has ended, in its turn', async () => {
    const store = memoryExecutionStore({ maxRecords: 2 });
    const live = record('live', 'started', 0);
    store.put(live);
    store.put(record('a', 'resolved', 1));
    store.put(record('b', 'resolved', 2));
    // `live` was skipped as running and `a` evicted.
    expect((await store.list()).map((r) => r.id)).toEqual(['b', 'live']);
    store.put({ ...live, status: 'resolved' });
    store.put(record('c', 'resolved', 3));
    // `b` is older in the eviction order than `live`, which went back to its end when it ended.
    expect((await store.list()).map((r) => r.id)).toEqual(['c', 'live']);
    store.put(record('d', 'resolved', 4));
    expect((await store.list()).map((r) => r.id)).toEqual(['d', 'c']);
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
