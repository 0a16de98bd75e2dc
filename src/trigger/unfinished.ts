import type { ExecutionRecord, Job, TriggerContext } from '../runner/index.js';
import { LinkedList } from '../runner/linked-list.js';

/** The runner's note of an accepted delivery of an in-process queue that is not finished yet. */
export interface Unfinished {
  readonly job: Job;
  record: ExecutionRecord;
  /** Whether an attempt is running now. */
  running: boolean;
  prev: Unfinished | undefined;
  next: Unfinished | undefined;
}

let noteOf: (job: Job) => Unfinished | undefined;
let isTracked: (job: Job) => boolean;
let setNote: (job: Job, note: Unfinished | undefined) => void;

/**
 * A job the runner queues on an in-process queue. Such a queue hands the same object back to the
 * runner, which finds its note in it without looking anything up. Its fields are a {@link Job}'s;
 * the note is private, so a queue or a hook that copies or serialises the job sees only those.
 */
export class TrackedJob implements Job {
  id: string;
  key: string;
  context: TriggerContext;
  #note: Unfinished | undefined = undefined;

  constructor(context: TriggerContext) {
    this.id = context.executionId;
    this.key = context.key;
    this.context = context;
  }

  static {
    noteOf = (job) => (#note in job ? job.#note : undefined);
    isTracked = (job) => #note in job;
    setNote = (job, note) => {
      if (#note in job) job.#note = note;
    };
  }
}

/**
 * The unfinished deliveries of an in-process queue, oldest first: what `close()` records as dead
 * when the queue will not run them. A list of notes, each found from its job, not a Map by id
 * (see {@link LinkedList}).
 */
export class UnfinishedJobs {
  readonly #notes = new LinkedList<Unfinished>();

  /** The job's note, if it is unfinished. */
  find(job: Job): Unfinished | undefined {
    if (isTracked(job)) return noteOf(job);
    // A queue that hands back a copy of the job: its note is found by id, oldest first, where a
    // queue that runs jobs in order finds it at once.
    for (let note = this.#notes.first; note; note = note.next) {
      if (note.job.id === job.id) return note;
    }
    return undefined;
  }

  /** Notes the job as unfinished with this record, or updates its note. */
  note(job: Job, record: ExecutionRecord, running: boolean): void {
    const known = this.find(job);
    if (known) {
      known.record = record;
      known.running = running;
      return;
    }
    const note: Unfinished = { job, record, running, prev: undefined, next: undefined };
    this.#notes.push(note);
    setNote(job, note);
  }

  /** Forgets the job: it finished, or it was never queued. */
  forget(job: Job): void {
    const note = this.find(job);
    if (!note) return;
    this.#notes.remove(note);
    setNote(note.job, undefined);
  }

  /** Every note, oldest first, as a list of its own (forgetting some while walking it is safe). */
  list(): Unfinished[] {
    return this.#notes.toArray();
  }
}
