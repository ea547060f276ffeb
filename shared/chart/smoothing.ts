// Debiased exponential moving average (as TensorBoard's smoothing): the early values are not pulled toward zero.
// A missing value (null, or NaN in a typed column) is missing in the average too, and does not move it.
export function debiasedEma(values: ArrayLike<number | null>, weight: number): (number | null)[] {
  if (weight <= 0) return Array.from(values);
  let last = 0;
  let count = 0;
  return Array.from(values, (v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * weight + (1 - weight) * v;
    count++;
    return last / (1 - weight ** count);
  });
}
