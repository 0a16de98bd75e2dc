import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryExecutionStore, newLiveRecord, putLive } from './execution-store.js';
import type { AttemptRecord, ExecutionRecord, ExecutionStatus } from './types.js';

const record = (id: string, status: ExecutionStatus, second: number): ExecutionRecord => ({
  id,
  key: 'k',
  mode: 'async',
  status,
  attempts: 1,
  receivedAt: `2026-11-22T10:00:${String(second).padStart(2, '0')}.000Z`,
});

/** A record as the runner makes one, queued, for putLive. */
const liveRecord = (id: string, second: number): ExecutionRecord =>
  newLiveRecord(id, 'k', 'async', 'queued', record(id, 'queued', second).receivedAt);

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

  it('gives back every record as it was put: each field, each history entry, nothing added', async () => {
    await fc.assert(
      fc.asyncProperty(anyRecord, async (record) => {
        const store = memoryExecutionStore();
        const kept = structuredClone(record);
        store.put(record);
        expect(await store.get(record.id)).toStrictEqual(kept);
        expect((await store.list({ limit: 1 }))[0]).toStrictEqual(kept);
      }),
      { numRuns: 3000 },
    );
  });

  it("gives back the runner's records as they were at their last save, through every status", async () => {
    const store = memoryExecutionStore();
    const live = liveRecord('live', 1);
    const saved: ExecutionRecord[] = [];
    const save = async () => {
      putLive(store, live);
      saved.push(structuredClone(live));
      expect(await store.get('live')).toStrictEqual(saved.at(-1));
    };
    await save();
    const first: AttemptRecord = { attempt: 1, startedAt: '2026-11-22T10:00:02.000Z' };
    Object.assign(live, { status: 'started', attempts: 1, startedAt: first.startedAt });
    live.history = [first];
    await save();
    const error = { name: 'Error', message: 'down' };
    Object.assign(live, {
      status: 'queued',
      finishedAt: '2026-11-22T10:00:02.500Z',
      durationMs: 500,
      error,
    });
    Object.assign(first, { finishedAt: live.finishedAt, durationMs: 500, status: 'failed', error });
    await save();
    const second: AttemptRecord = { attempt: 2, startedAt: '2026-11-22T10:00:07.500Z' };
    Object.assign(live, { status: 'started', attempts: 2, startedAt: second.startedAt });
    live.history = [first, second];
    await save();
    Object.assign(live, {
      status: 'resolved',
      finishedAt: '2026-11-22T10:00:07.501Z',
      durationMs: 1,
    });
    Object.assign(second, { finishedAt: live.finishedAt, durationMs: 1, status: 'resolved' });
    live.result = { ok: true };
    live.warnings = ['respond() has no effect'];
    await save();
  });

  it("finds the runner's records by id, though nothing looked any up while they were saved and evicted", async () => {
    const store = memoryExecutionStore({ maxRecords: 5 });
    const runs: ExecutionRecord[] = [];
    for (let i = 0; i < 40; i++) {
      const live = liveRecord(`r${i}`, i % 60);
      putLive(store, live, true);
      runs.push(live);
      // Three in flight at once: the oldest of them ends as each new one comes.
      const ending = runs[i - 2];
      if (ending) {
        Object.assign(ending, { status: 'started', attempts: 1 });
        putLive(store, ending);
        Object.assign(ending, { status: 'resolved' });
        putLive(store, ending);
      }
    }
    const kept = await store.list();
    expect(kept.map((r) => r.id)).toEqual(['r39', 'r38', 'r37', 'r36', 'r35']);
    expect(kept.map((r) => r.status)).toEqual([
      'queued',
      'queued',
      'resolved',
      'resolved',
      'resolved',
    ]);
    expect(await store.get('r37')).toStrictEqual(structuredClone(runs[37]));
    expect(await store.get('r34')).toBeUndefined();
    // Found from now on too: the next save of a running record, and a record put from outside.
    Object.assign(runs[39] as ExecutionRecord, { status: 'started', attempts: 1 });
    putLive(store, runs[39] as ExecutionRecord);
    store.put({ ...(runs[38] as ExecutionRecord), status: 'dead' });
    expect((await store.list()).map((r) => `${r.id} ${r.status}`)).toEqual([
      'r39 started',
      'r38 dead',
      'r37 resolved',
      'r36 resolved',
      'r35 resolved',
    ]);
  });

  it('keeps the same records whether or not anything looked one up by id while they were saved', async () => {
    // Two stores get the same saves; one is asked for an id before any, so it finds every record
    // by id all along. Both must end up holding the same records in the same order, each as it was
    // last saved. Often more run at once than the store keeps at all.
    const step = fc.oneof(
      { arbitrary: fc.constant({ kind: 'new' as const, at: 0 }), weight: 2 },
      {
        arbitrary: fc.record({
          kind: fc.constantFrom('start', 'fail', 'end', 'outside'),
          at: fc.nat(),
        }),
        weight: 3,
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 200 }),
        fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 30, max: 60 })),
        async (steps, maxRecords) => {
          const stores = [
            memoryExecutionStore({ maxRecords }),
            memoryExecutionStore({ maxRecords }),
          ];
          await stores[0]?.get('');
          const running: ExecutionRecord[][] = [];
          const ids: string[] = [];
          const last = new Map<string, ExecutionRecord>();
          for (const { kind, at } of steps) {
            if (kind === 'new') {
              // Every other id a UUID (kept as bytes), in order of creation as the others are.
              const n = ids.length;
              const id =
                n % 2 ? `r${n}` : `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
              ids.push(id);
              const pair = stores.map((store) => {
                const live = liveRecord(id, ids.length % 60);
                putLive(store, live, true);
                return live;
              });
              last.set(id, structuredClone(pair[0] as ExecutionRecord));
              running.push(pair);
              continue;
            }
            if (kind === 'outside') {
              const id = ids.length > 0 && at % 2 ? (ids[at % ids.length] as string) : `o${at}`;
              const put = record(id, STATUSES[at % 6] as ExecutionStatus, 1);
              for (const store of stores) store.put(put);
              last.set(id, structuredClone(put));
              continue;
            }
            const pair = running[at % Math.max(1, running.length)];
            if (!pair) continue;
            for (const [i, store] of stores.entries()) {
              const live = pair[i] as ExecutionRecord;
              if (kind === 'start')
                Object.assign(live, { status: 'started', attempts: live.attempts + 1 });
              else if (kind === 'fail')
                Object.assign(live, { status: 'queued', error: { name: 'Error', message: 'x' } });
              else Object.assign(live, { status: 'resolved' });
              putLive(store, live);
            }
            last.set((pair[0] as ExecutionRecord).id, structuredClone(pair[0] as ExecutionRecord));
            if (kind === 'end') running.splice(running.indexOf(pair), 1);
          }
          const [indexed, unindexed] = await Promise.all(stores.map((store) => store.list()));
          expect(unindexed).toStrictEqual(indexed);
          expect(unindexed?.length).toBeLessThanOrEqual(maxRecords);
          for (const id of last.keys()) {
            const kept = await stores[1]?.get(id);
            expect(kept).toStrictEqual(await stores[0]?.get(id));
            if (kept) expect(kept).toStrictEqual(last.get(id));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps its own copies of what is put, so that changing the record afterwards changes nothing', async () => {
    const store = memoryExecutionStore();
    const put: ExecutionRecord = {
      ...record('a', 'failed', 1),
      startedAt: '2026-11-22T10:00:01.000Z',
      finishedAt: '2026-11-22T10:00:01.010Z',
      durationMs: 10,
      error: { name: 'Error', message: 'boom' },
      response: { status: 500, headers: { 'content-type': 'text/plain' }, body: 'no' },
      warnings: ['w'],
      history: [{ attempt: 1, startedAt: '2026-11-22T10:00:01.000Z', note: 'x' } as AttemptRecord],
    };
    const before = structuredClone(put);
    store.put(put);
    (put.error as { message: string }).message = 'changed';
    (put.response as { headers: Record<string, string> }).headers['x-more'] = '1';
    put.warnings?.push('w2');
    (put.history?.[0] as AttemptRecord).attempt = 9;
    expect(await store.get('a')).toStrictEqual(before);
  });
});

const STATUSES: ExecutionStatus[] = ['queued', 'started', 'resolved', 'failed', 'timeout', 'dead'];
/** Times as the runner writes them, and times in other forms a host's own `put` may carry. */
const anyTime = fc.oneof(
  fc
    .integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 })
    .map((ms) => new Date(ms).toISOString()),
  fc.constantFrom('2026-11-22T10:00:00Z', '2026-02-29T00:00:00.000Z', 'yesterday', ''),
);
const anyError = fc.record(
  { name: fc.string(), message: fc.string(), code: fc.string() },
  { requiredKeys: ['name', 'message'] },
);
const anyAttempt = fc.record(
  {
    attempt: fc.nat(),
    startedAt: anyTime,
    finishedAt: anyTime,
    durationMs: fc.nat(),
    status: fc.constantFrom('resolved', 'failed', 'timeout' as const),
    error: anyError,
  },
  { requiredKeys: ['attempt', 'startedAt'] },
);
/**
 * Records of every shape, and often the shapes the runner writes: a history of one attempt that
 * repeats the record's own fields (started, ended, failed with the record's error).
 */
const anyRecord: fc.Arbitrary<ExecutionRecord> = fc
  .tuple(
    fc.record(
      {
        // UUIDs as the runner makes them are kept as bytes; any other id as it is.
        id: fc.oneof(
          fc.uuid(),
          fc.uuid().map((id) => id.toUpperCase()),
          fc.string(),
        ),
        key: fc.string(),
        mode: fc.constantFrom('async', 'sync' as const),
        status: fc.constantFrom(...STATUSES),
        attempts: fc.nat(),
        receivedAt: anyTime,
        startedAt: anyTime,
        finishedAt: anyTime,
        durationMs: fc.oneof(fc.nat(), fc.double({ noNaN: true })),
        result: fc.jsonValue(),
        error: anyError,
        response: fc.record(
          {
            status: fc.integer({ min: 200, max: 599 }),
            headers: fc.dictionary(fc.string(), fc.string()),
            body: fc.oneof(
              fc.string(),
              fc.uint8Array().map((bytes) => new Uint8Array(bytes)),
            ),
          },
          { requiredKeys: ['status', 'headers'] },
        ),
        warnings: fc.array(fc.string(), { maxLength: 2 }),
        history: fc.array(anyAttempt, { maxLength: 3 }),
      },
      { requiredKeys: ['id', 'key', 'mode', 'status', 'attempts', 'receivedAt'] },
    ),
    fc.constantFrom('as generated', 'started', 'ended', 'ended with error', 'entry error only'),
  )
  .map(([generated, shape]) => {
    const record = generated as ExecutionRecord;
    if (shape === 'as generated' || record.startedAt === undefined) return record;
    const entry: AttemptRecord = { attempt: record.attempts, startedAt: record.startedAt };
    if (shape !== 'started' && record.finishedAt !== undefined && record.durationMs !== undefined) {
      entry.finishedAt = record.finishedAt;
      entry.durationMs = record.durationMs;
      entry.status = record.status === 'resolved' ? 'resolved' : 'failed';
    }
    if (shape === 'ended with error' && record.error) entry.error = record.error;
    if (shape === 'entry error only') entry.error = { name: 'Error', message: 'its own' };
    record.history = [entry];
    return record;
  });
