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

/**
 * The first and third quartiles of a list: the middle half of its values lies between them, so
 * their distance tells how far one run's median can be trusted. Same convention as
 * {@link median}: values a quarter and three quarters of the way through the sorted list.
 * @param {readonly number[]} values
 * @returns {[number, number]}
 */
export function quartiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (/** @type {number} */ q) =>
    /** @type {number} */ (sorted[Math.floor(sorted.length * q)]);
  return [at(0.25), at(0.75)];
}
