// Benchmark helpers: repeat, take the median, and report each figure beside a baseline measured in the same run.
export async function median(times: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  return (await measure(times, fn)).median;
}

/** The median and the 95th percentile (nearest rank) of some timings. */
export function summarise(samples: number[]): { median: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p95: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]! };
}

/** The median and the 95th percentile of `times` runs. */
export async function measure(times: number, fn: () => Promise<unknown> | unknown): Promise<{ median: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return summarise(samples);
}

export interface Figure {
  name: string;
  ms: number;
  /** The 95th percentile where the figure measured one. */
  p95?: number;
  baselineName: string;
  baselineMs: number;
  /** The baseline's 95th percentile, where it measured one. */
  baselineP95?: number;
  /** Met when true; the text says what the target is. Absent for figures reported for information only. */
  target?: { text: string; met: boolean };
}

export function report(figures: Figure[]): void {
  for (const f of figures) {
    const ratio = f.ms / f.baselineMs;
    console.log(
      `${f.name}: ${f.ms.toFixed(1)} ms${f.p95 !== undefined ? ` (p95 ${f.p95.toFixed(1)} ms)` : ""}; baseline (${f.baselineName}): ${f.baselineMs.toFixed(1)} ms${f.baselineP95 !== undefined ? ` (p95 ${f.baselineP95.toFixed(1)} ms)` : ""}; ratio ${ratio.toFixed(2)}x; ${f.target ? `target ${f.target.text}: ${f.target.met ? "met" : "NOT met"}` : "no target (for information)"}`,
    );
  }
}
