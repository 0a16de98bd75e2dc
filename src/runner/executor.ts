import type { Executor, Workflow } from './types.js';

/**
 * The default {@link Executor}: calls `workflow` in this process.
 *
 * @param workflow - the workflow function.
 * @returns an executor that runs it.
 * @example
 * ```ts
 * const executor = workflowExecutor(async (ctx) => ({ received: ctx.body }));
 * ```
 */
export function workflowExecutor(workflow: Workflow): Executor {
  return {
    execute: async (job, run) => workflow(job.context, run),
  };
}
