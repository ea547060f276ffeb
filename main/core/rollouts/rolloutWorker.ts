// The rollout side of watching a run: after each poll, read what is new in its rollout files and score it. One pass
// at a time per run; the judge (from the run's probe settings) is created once and closed when watching ends.
import { createBackend } from "../backends/index.js";
import type { Backend } from "../backends/types.js";
import type { LeaseHolder } from "../store/probeStore.js";
import type { Store } from "../store/store.js";
import { readRollouts, type RolloutReadResult } from "./rolloutReader.js";
import { RolloutScorer, rolloutTraits, type RolloutPlan } from "./rolloutScoring.js";

export interface RolloutPassResult {
  read: RolloutReadResult;
  scored: number;
  /** Traits that cannot be scored on rollouts, and why (said once). */
  skipped: string[];
  /** Set when the rollouts are read but not scored (no suite configured). */
  unscoredReason: string | null;
}

export class RolloutWorker {
  private judge: Backend | null = null;
  private plan: RolloutPlan | null | undefined;
  private skipped: string[] = [];

  constructor(
    private readonly store: Store,
    private readonly lease: LeaseHolder,
    private readonly runId: number,
    private readonly options: { quietPeriodMs: number; now?: () => number; batchSize?: number },
  ) {}

  private planNow(): RolloutPlan | null {
    if (this.plan !== undefined) return this.plan;
    const run = this.store.runs.getRun(this.runId)!;
    const settings = this.store.runs.getProbeSettings(this.runId);
    if (!settings) return (this.plan = null);
    const traits = settings.suites.flatMap((s) => this.store.probes.findSuite(s.key, s.version)?.suite.traits ?? []);
    const { usable, skipped } = rolloutTraits(traits);
    this.skipped = skipped;
    this.judge = settings.judge ? createBackend(settings.judge) : settings.backend.kind === "demo" ? createBackend(settings.backend) : null;
    return (this.plan = { traits: usable, judge: this.judge, judgePerStep: this.store.rollouts.setting(this.runId).judgePerStep, thresholds: settings.thresholds, runName: run.name, runPath: run.path });
  }

  async pass(signal?: AbortSignal): Promise<RolloutPassResult> {
    const run = this.store.runs.getRun(this.runId)!;
    const read = await readRollouts(this.store.rollouts, this.runId, run.path, this.options);
    const plan = this.planNow();
    if (!plan) return { read, scored: 0, skipped: [], unscoredReason: read.source ? "no suite is configured for this run: its rollouts are read, not scored (watch … --suite ID)" : null };
    const scored = await new RolloutScorer(this.store.rollouts, this.lease, this.runId, plan).scorePending(signal);
    return { read, scored, skipped: this.skipped, unscoredReason: null };
  }

  async close(): Promise<void> {
    await this.judge?.close();
  }
}
