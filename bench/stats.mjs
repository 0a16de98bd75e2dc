/**
 * The statistic every benchmark here reports: plain JavaScript, so that bench/cpu.mjs (run by plain
 * `node`) and the TypeScript benchmarks (run by tsx) share one definition.
 */

/**
 * The median of a list: the middle value once sorted (the upper of the two middle ones for an
 * even count). The list itself is left as it was.
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return /** @type {number} */ (sorted[Math.floor(sorted.length / 2)]);
}
