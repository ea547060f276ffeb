// The drift view's time axes: wall time (seconds since the epoch) and hours since the run's first checkpoint, which
// lines up runs started at different times. Each run's clock is its checkpoints' completion times; a training metric
// logged without a wall time is placed on it by step (linearly between the checkpoints around it, and at the nearest
// end outside them), and a point on either axis maps back to the checkpoint nearest in time, which a click opens.
export type XAxis = "step" | "time" | "elapsed";

/** A run's checkpoints in step order, with their completion times in seconds since the epoch. */
export interface RunClock {
  steps: number[];
  times: number[];
}

/** The clock of a run from one of its series' columns (steps ascending; checkpoints without a time left out). */
export function runClock(steps: ArrayLike<number>, completed: ArrayLike<number | null> | undefined): RunClock {
  const clock: RunClock = { steps: [], times: [] };
  for (let i = 0; i < steps.length; i++) {
    const t = completed?.[i];
    if (t !== null && t !== undefined && Number.isFinite(t)) {
      clock.steps.push(steps[i]!);
      clock.times.push(t);
    }
  }
  return clock;
}

/** The run's start: its first checkpoint's completion. */
export const clockStart = (c: RunClock): number => (c.times.length ? Math.min(...c.times) : NaN);

/** A step's time on the run's clock (NaN without checkpoints). */
export function timeOfStep(c: RunClock, step: number): number {
  const n = c.steps.length;
  if (n === 0) return NaN;
  if (step <= c.steps[0]!) return c.times[0]!;
  if (step >= c.steps[n - 1]!) return c.times[n - 1]!;
  let i = 1;
  while (c.steps[i]! < step) i++;
  const [s0, s1, t0, t1] = [c.steps[i - 1]!, c.steps[i]!, c.times[i - 1]!, c.times[i]!];
  return t0 + ((step - s0) / (s1 - s0)) * (t1 - t0);
}

/** A time (seconds) on the chosen axis. */
export const axisX = (axis: XAxis, seconds: number, start: number): number => (axis === "elapsed" ? (seconds - start) / 3600 : seconds);

/** The checkpoint nearest an x on the chosen axis (null without checkpoints). */
export function stepAtX(c: RunClock, axis: XAxis, x: number): number | null {
  if (axis === "step") return x;
  if (c.steps.length === 0) return null;
  const start = clockStart(c);
  let best = 0;
  for (let i = 1; i < c.steps.length; i++) if (Math.abs(axisX(axis, c.times[i]!, start) - x) < Math.abs(axisX(axis, c.times[best]!, start) - x)) best = i;
  return c.steps[best]!;
}
