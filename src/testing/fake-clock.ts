import type { Clock } from '../runner/index.js';
import { nextTurn } from './turns.js';

/** Options of {@link fakeClock}. */
export interface FakeClockConfig {
  /**
   * The time the clock starts at: epoch milliseconds, a `Date`, or an ISO 8601 string. Pick the
   * time a recorded delivery was signed at to replay it within its timestamp tolerance.
   * @defaultValue `'2024-01-01T00:00:00.000Z'`
   */
  now?: number | Date | string;
}

/**
 * A {@link Clock} whose time only moves when told to. Pass it as the trigger's `clock` (and to
 * `createTestRequest` for signature timestamps): timestamps, run timeouts and the retry delays of
 * the default queue then follow it.
 */
export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms`, firing the timers that fall due on the way, earliest first (timers
   * due at the same time fire in the order they were set). Before moving, and after each timer, it
   * waits a few turns of the runtime's event loop so that the work a callback started (promise
   * jobs, and what they schedule without real I/O) settles; timers set during the move fire too
   * when they fall due within it. `advance(0)` only fires timers due now and lets work settle.
   * Calls made while one is running wait for it.
   *
   * @param ms - how far to move, 0 or more milliseconds.
   * @returns a promise that resolves once time is `now() + ms` and the fired work has settled; it
   * rejects with the error a timer callback threw (the clock then stays at that timer's time, and
   * later timers stay pending).
   * @throws RangeError (as a rejection) when `ms` is negative or not a finite number.
   */
  advance(ms: number): Promise<void>;
  /**
   * How many timers are set and have neither fired nor been cleared.
   *
   * @returns the count.
   */
  pending(): number;
}

interface Timer {
  at: number;
  callback: () => void;
}

const DEFAULT_START = Date.parse('2024-01-01T00:00:00.000Z');

/** Turns of the event loop to wait for, before the move and after each timer. */
const SETTLE_TURNS = 20;

function startTime(value: FakeClockConfig['now']): number {
  const ms =
    value === undefined
      ? DEFAULT_START
      : typeof value === 'number'
        ? value
        : value instanceof Date
          ? value.getTime()
          : typeof value === 'string'
            ? Date.parse(value)
            : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new TypeError(
      `fakeClock: option "now" must be epoch milliseconds, a valid Date or an ISO 8601 string, received ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    );
  }
  return ms;
}

async function settle() {
  for (let i = 0; i < SETTLE_TURNS; i++) await nextTurn();
}

/**
 * Creates a clock for tests: `now()` stays where it is until `advance(ms)` moves it, and timers
 * fire only then. Give the same clock to the trigger (`clock`) and to `createTestRequest`.
 *
 * @param config - `now`, the starting time.
 * @returns the clock, with `advance()` and `pending()`.
 * @throws TypeError when `now` is not a valid time.
 * @example
 * ```ts
 * const clock = fakeClock({ now: '2024-05-01T12:00:00Z' });
 * const trigger = createWebhookTrigger({ mode: 'sync', clock, limits: { timeoutMs: 1000 }, workflow });
 * const pending = invoke(trigger, { body: { id: 1 } });
 * await clock.advance(1000); // the run times out: the caller gets 408
 * const { status } = await pending;
 * ```
 */
export function fakeClock(config: FakeClockConfig = {}): FakeClock {
  let now = startTime(config?.now);
  let lastId = 0;
  const timers = new Map<number, Timer>();
  let moving: Promise<void> = Promise.resolve();

  /** The earliest timer due at or before `until`; Map order breaks ties by creation. */
  function nextDue(until: number): [number, Timer] | undefined {
    let found: [number, Timer] | undefined;
    for (const entry of timers) {
      if (entry[1].at <= until && (!found || entry[1].at < found[1].at)) found = entry;
    }
    return found;
  }

  async function move(ms: number) {
    const target = now + ms;
    await settle();
    for (let due = nextDue(target); due; due = nextDue(target)) {
      const [id, timer] = due;
      timers.delete(id);
      now = timer.at;
      timer.callback();
      await settle();
    }
    now = target;
  }

  return {
    now: () => now,
    setTimeout(callback: () => void, ms: number) {
      if (typeof callback !== 'function') {
        throw new TypeError(`fakeClock: setTimeout needs a callback, received ${typeof callback}`);
      }
      lastId += 1;
      // As the platform's timers do, a negative or non-numeric delay means "as soon as possible".
      timers.set(lastId, { at: now + Math.max(Number(ms) || 0, 0), callback });
      return lastId;
    },
    clearTimeout(handle: unknown) {
      timers.delete(handle as number);
    },
    advance(ms: number) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        return Promise.reject(
          new RangeError(
            `fakeClock: advance() takes 0 or more milliseconds, received ${String(ms)}`,
          ),
        );
      }
      const run = moving.then(() => move(ms));
      moving = run.catch(() => {});
      return run;
    },
    pending: () => timers.size,
  };
}
