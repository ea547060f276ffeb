// The probe queue as the Queue tab shows it: jobs grouped by run and then checkpoint, each group with its counts by
// state and its progress, and the whole queue's counts; filtered by state. Pure, so it is tested in Node.
import type { JobProgress } from "./events.js";

export type JobState = JobProgress["state"];
export const JOB_STATES: readonly JobState[] = ["running", "queued", "paused", "failed", "cancelled", "done"];

export type StateCounts = Record<JobState, number>;

const zero = (): StateCounts => ({ running: 0, queued: 0, paused: 0, failed: 0, cancelled: 0, done: 0 });

export interface CheckpointGroup {
  step: number;
  jobs: JobProgress[];
  counts: StateCounts;
  done: number;
  total: number;
}

export interface RunGroup {
  runId: number;
  checkpoints: CheckpointGroup[];
  counts: StateCounts;
  done: number;
  total: number;
  /** Samples per second of its running jobs together, and the seconds left for its unfinished jobs at that rate. */
  rate: number | null;
  etaSeconds: number | null;
}

export function countStates(jobs: readonly JobProgress[]): StateCounts {
  const c = zero();
  for (const j of jobs) c[j.state]++;
  return c;
}

/** Jobs by run (in the order runs are given) and checkpoint step (newest first, as the prober takes them). */
export function groupQueue(jobs: readonly JobProgress[], runOrder: readonly number[], only: ReadonlySet<JobState> | null = null): RunGroup[] {
  const shown = only ? jobs.filter((j) => only.has(j.state)) : jobs;
  const byRun = new Map<number, JobProgress[]>();
  for (const j of shown) byRun.set(j.runId, [...(byRun.get(j.runId) ?? []), j]);
  const rank = (id: number) => {
    const i = runOrder.indexOf(id);
    return i < 0 ? runOrder.length + id : i;
  };
  return [...byRun.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([runId, list]) => {
      const bySteps = new Map<number, JobProgress[]>();
      for (const j of list) bySteps.set(j.step, [...(bySteps.get(j.step) ?? []), j]);
      const checkpoints = [...bySteps.entries()]
        .sort(([a], [b]) => b - a)
        .map(([step, js]) => ({ step, jobs: js, counts: countStates(js), done: sum(js, (j) => j.done), total: sum(js, (j) => j.total) }));
      const running = list.filter((j) => j.state === "running" && j.rate !== null && j.rate > 0);
      const rate = running.length ? sum(running, (j) => j.rate!) : null;
      const left = sum(list.filter((j) => j.state === "running" || j.state === "queued"), (j) => Math.max(0, j.total - j.done));
      return { runId, checkpoints, counts: countStates(list), done: sum(list, (j) => j.done), total: sum(list, (j) => j.total), rate, etaSeconds: rate ? left / rate : null };
    });
}

function sum<T>(list: readonly T[], f: (t: T) => number): number {
  let s = 0;
  for (const t of list) s += f(t);
  return s;
}

/** "45 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`;
}
