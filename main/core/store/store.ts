// The workspace database, split by aggregate: each repository holds the named operations of one part of the data.
// Nothing outside this folder writes SQL.
import type { Publish } from "../events/bus.js";
import { NO_EVENTS } from "../events/bus.js";
import Database from "better-sqlite3";
import { AlertStore } from "./alertStore.js";
import { AnnotationStore } from "./annotationStore.js";
import { ExperimentStore } from "./experimentStore.js";
import { deferredCheck, openDatabase, workspaceDamage, type Db, type DeferredCheck, type OpenOptions } from "./database.js";
import { MetricStore } from "./metricStore.js";
import { ProbeStore } from "./probeStore.js";
import { RolloutStore } from "./rolloutStore.js";
import { RunStore } from "./runStore.js";
import { SettingsStore } from "./settingsStore.js";

export type { CheckpointRecord, RegisterRunInput, RunRecord } from "./runStore.js";
export type { MetricRow, SourceCursor } from "./metricStore.js";

export interface StoreOptions extends OpenOptions {
  /** Where the repositories say what they changed (the core's event bus). */
  publish?: Publish;
}

export class Store {
  readonly runs: RunStore;
  readonly metrics: MetricStore;
  readonly annotations: AnnotationStore;
  readonly settings: SettingsStore;
  readonly probes: ProbeStore;
  readonly alerts: AlertStore;
  readonly experiments: ExperimentStore;
  readonly rollouts: RolloutStore;

  constructor(
    readonly db: Db,
    publish: Publish = NO_EVENTS,
  ) {
    this.runs = new RunStore(db, publish);
    this.metrics = new MetricStore(db, publish);
    this.annotations = new AnnotationStore(db, publish);
    this.settings = new SettingsStore(db);
    this.probes = new ProbeStore(db, publish);
    this.alerts = new AlertStore(db, publish);
    this.experiments = new ExperimentStore(db);
    this.rollouts = new RolloutStore(db, publish);
    this.check = deferredCheck(db);
    this.checked = this.check?.done ?? Promise.resolve();
  }

  /** True until a deferred check has ended: the workspace answers reads, and refuses writes until it has passed. */
  get checking(): boolean {
    return this.check?.pending ?? false;
  }

  /** Starts a deferred check now (the core starts it once the app is idle a moment, or when a call needs it). */
  startCheck(): void {
    this.check?.start();
  }

  /** True once a deferred check has been started (or there was none). */
  get checkStarted(): boolean {
    return this.check?.started ?? true;
  }

  /** Settles when the workspace's pages have been checked: at once, unless it was opened with `deferCheck` (then
   * once startCheck() has run it). Then either writing is allowed, or `damage` says what is wrong. */
  readonly checked: Promise<void>;
  private readonly check: DeferredCheck | null;

  static open(path: string, options: StoreOptions = {}): Store {
    return new Store(openDatabase(path, options), options.publish);
  }

  /** Set when the workspace is damaged: it is open read-only, and this says what is wrong and how to recover. */
  get damage(): string | null {
    return workspaceDamage(this.db);
  }

  /** SQLite's full integrity check (every page and index): "ok", or what is wrong. */
  integrityCheck(): string[] {
    return (this.db.pragma("integrity_check(20)") as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  /** An online copy of the workspace (SQLite's backup API: consistent while others write). */
  async backup(to: string): Promise<void> {
    await this.db.backup(to);
  }

  /**
   * Streams rows from a second, read-only connection to the same file: its iteration may pause (waiting for a slow
   * reader of the output) without keeping this connection busy. The connection closes when the iteration ends.
   */
  async *readRows<T>(read: (stores: { probes: ProbeStore; metrics: MetricStore }) => Iterable<T>): AsyncGenerator<T> {
    const db = new Database(this.db.name, { readonly: true, fileMustExist: true });
    try {
      yield* read({ probes: new ProbeStore(db, NO_EVENTS), metrics: new MetricStore(db, NO_EVENTS) });
    } finally {
      db.close();
    }
  }

  close(): void {
    this.check?.stop();
    this.db.close();
  }
}
