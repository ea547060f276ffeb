// The app: runs on the left; drift, checkpoint, queue and settings views on the right.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Api } from "../shared/api.js";
import { formatViewState, parseViewState, type DriftState, type Tab, type ViewState } from "../shared/viewState.js";
import { AlertBanner } from "./components/AlertBanner.js";
import { ConnectionBanner } from "./components/ConnectionBanner.js";
import { AlertsView } from "./components/AlertsView.js";
import { CheckpointView } from "./components/CheckpointView.js";
import { DriftView } from "./components/DriftView.js";
import { ExperimentView } from "./components/ExperimentView.js";
import { FolderField } from "./components/FolderField.js";
import { QueueView } from "./components/QueueView.js";
import { RolloutsView, type RolloutFocus } from "./components/RolloutsView.js";
import { RunsSidebar } from "./components/RunsSidebar.js";
import { SettingsView } from "./components/SettingsView.js";
import { useLive } from "./useApi.js";
import { LAST_VIEW, PENDING_VIEW, startFragment } from "./startView.js";

/** The view, kept in the URL's fragment: a tab or checkpoint change is a new history entry (back returns to it);
 * drift view choices (smoothing, zoom while panning…) replace the current one, written at most every 250 ms. */
function useViewState(): [ViewState, (change: (v: ViewState) => ViewState, push?: boolean) => void] {
  const [view, setView] = useState<ViewState>(() => parseViewState(startFragment()));
  const pushNext = useRef(false);
  const update = useCallback((change: (v: ViewState) => ViewState, push = false) => {
    if (push) pushNext.current = true;
    setView(change);
  }, []);
  useEffect(() => {
    const fragment = formatViewState(view);
    localStorage.setItem(LAST_VIEW, fragment);
    // With the URL it replaces: a reload within the 250 ms finds the URL unchanged and takes this instead.
    sessionStorage.setItem(PENDING_VIEW, JSON.stringify({ fragment, replaces: location.hash }));
    if (location.hash === fragment) return;
    if (pushNext.current) {
      pushNext.current = false;
      history.pushState(null, "", fragment);
      return;
    }
    const timer = setTimeout(() => history.replaceState(null, "", fragment), 250);
    return () => clearTimeout(timer);
  }, [view]);
  useEffect(() => {
    const onPop = () => setView(parseViewState(location.hash));
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  return [view, update];
}

const TAB_NAMES: Record<Tab, string> = { drift: "Drift", rollouts: "Rollouts", experiment: "Experiment", checkpoint: "Checkpoint", queue: "Queue", alerts: "Alerts", settings: "Settings" };

export function App({ api }: { api: Api }) {
  const runs = useLive(api, () => api.listRuns({}), (e) => e.type === "run-changed" || e.type === "checkpoint-changed" || e.type === "job-progress", []);
  // The tab, drift view choices and open checkpoint live in the URL (serve --demo links to #experiment).
  const [view, updateView] = useViewState();
  const tab = view.tab;
  const selected = view.checkpoint;
  const setTab = useCallback((t: Tab) => updateView((v) => ({ ...v, tab: t }), true), [updateView]);
  const setDrift = useCallback((patch: Partial<DriftState>) => updateView((v) => ({ ...v, drift: { ...v.drift, ...patch } })), [updateView]);
  const [copied, setCopied] = useState(false);
  // The run whose form is open in the sidebar: a run just added (and not yet set to be probed) opens it.
  const [editing, setEditing] = useState<number | null>(null);
  const [theme, setTheme] = useState<"light" | "dark">(() => (localStorage.getItem("theme") === "dark" ? "dark" : "light"));
  const [path, setPath] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem("theme", theme);
  }, [theme]);
  const all = useMemo(() => runs.data ?? [], [runs.data]);
  const visible = useMemo(() => all.filter((r) => !r.hidden), [all]);
  const openCheckpoint = useCallback(
    (runId: number, step: number, trait?: string, context?: string) => updateView((v) => ({ ...v, tab: "checkpoint", checkpoint: { runId, step, ...(trait ? { trait } : {}), ...(context ? { context } : {}) } }), true),
    [updateView],
  );
  const selectedRun = selected ? all.find((r) => r.id === selected.runId) : undefined;
  const [rolloutFocus, setRolloutFocus] = useState<RolloutFocus | null>(null);
  const openRollouts = useCallback((runId: number, step: number, trait: string) => {
    setRolloutFocus({ runId, step, trait });
    setTab("rollouts");
  }, [setTab]);

  if (runs.data && all.length === 0) {
    return (
      <div className="empty" data-view="empty">
        <h1>Driftscope</h1>
        <p>Watch an RL fine-tuning run's output folder, probe each checkpoint for persona traits, and see them drift.</p>
        <div className="actions">
          <FolderField api={api} value={path} onChange={setPath} />
          <button
            className="primary"
            onClick={() =>
              api.addRun({ path: path.trim() }).then((run) => {
                if (!run.probing) setEditing(run.id);
                runs.reload();
              }, (e: Error) => setError(e.message))
            }
          >
            Add run folder
          </button>
          <button onClick={() => api.startDemo({}).then(runs.reload, (e: Error) => setError(e.message))}>Start the demo run</button>
        </div>
        {error ? <p className="error">{error}</p> : null}
        <p className="note">The demo run is a miniature RL experiment written to disk like a Hugging Face Trainer run.</p>
      </div>
    );
  }
  // Folders dropped on the window are added as runs (the desktop app can see their paths; a browser cannot).
  const onDrop = (e: React.DragEvent) => {
    if (!api.desktop) return;
    e.preventDefault();
    for (const file of e.dataTransfer.files) void api.addRun({ path: api.desktop.pathForFile(file) }).then(runs.reload, (err: Error) => setError(err.message));
  };
  return (
    <div className="app" onDragOver={(e) => api.desktop && e.preventDefault()} onDrop={onDrop}>
      <RunsSidebar api={api} runs={all} onChanged={runs.reload} editing={editing} setEditing={setEditing} />
      <main className="main">
        <nav className="tabs">
          {(Object.keys(TAB_NAMES) as Tab[]).map((t) => (
            <button key={t} className={tab === t ? "active" : ""} aria-current={tab === t ? "page" : undefined} onClick={() => setTab(t)} disabled={t === "checkpoint" && !selected}>
              {TAB_NAMES[t]}
            </button>
          ))}
          {api.desktop ? null : (
            <button
              className="copy-link"
              title="Copy a link to this view (with this server's session token)"
              onClick={() =>
                void navigator.clipboard.writeText(location.href.split("#")[0] + formatViewState(view)).then(() => {
                  setCopied(true);
                  setTimeout(() => setCopied(false), 1500);
                })
              }
            >
              {copied ? "Link copied" : "Copy link"}
            </button>
          )}
        </nav>
        <ConnectionBanner api={api} />
        <AlertBanner api={api} onOpen={() => setTab("alerts")} />
        {tab === "drift" ? (
          <DriftView api={api} runs={visible} onOpen={openCheckpoint} onOpenRollouts={openRollouts} state={view.drift} onState={setDrift} theme={theme} />
        ) : null}
        {tab === "checkpoint" && selected && selectedRun ? <CheckpointView key={`${selected.runId}/${selected.trait ?? ""}/${selected.context ?? ""}`} api={api} run={selectedRun} runs={all} step={selected.step} initialTrait={selected.trait} initialContext={selected.context} onStep={(step) => updateView((v) => ({ ...v, checkpoint: v.checkpoint ? { ...v.checkpoint, step } : null }))} /> : null}
        {/* A link or a remembered view can name a run that is no longer in the workspace. */}
        {tab === "checkpoint" && selected && runs.data && !selectedRun ? (
          <p className="note section" data-testid="no-such-run">
            The checkpoint this view names belongs to a run that is not in this workspace (run {selected.runId}).
          </p>
        ) : null}
        {tab === "rollouts" ? <RolloutsView api={api} runs={visible} focus={rolloutFocus} onFocus={setRolloutFocus} /> : null}
        {tab === "experiment" ? <ExperimentView api={api} runs={all} onOpen={openCheckpoint} theme={theme} /> : null}
        {tab === "queue" ? <QueueView api={api} runs={all} /> : null}
        {tab === "alerts" ? <AlertsView api={api} runs={all} /> : null}
        {tab === "settings" ? <SettingsView api={api} theme={theme} setTheme={setTheme} /> : null}
      </main>
    </div>
  );
}
