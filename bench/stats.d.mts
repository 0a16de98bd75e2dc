export function median(values: readonly number[]): number;
export function quartiles(values: readonly number[]): [number, number];
