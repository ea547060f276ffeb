// The runs sidebar: colour, live/idle/error status, latest step, probing progress, grouping, show/hide, add, demo.
import { useState } from "react";
import type { Api, RunView } from "../../shared/api.js";
import { RemoveRunDialog } from "./RemoveRunDialog.js";
import { RunEditor } from "./RunEditor.js";
import { FolderField } from "./FolderField.js";

/** The run's state as the core judges it (README, "Run status"); probing in progress is said beside "live". */
function status(run: RunView): { text: string; cls: string } {
  const cls = run.state === "error" || run.state === "stalled" ? "status-error" : run.state === "live" ? "status-live" : "status-idle";
  const text = run.state === "error" && run.probe.failed > 0 ? `error · ${run.probe.failed} probe job${run.probe.failed === 1 ? "" : "s"} failed` : run.state === "live" && run.probe.running ? "live · probing" : run.state;
  return { text, cls };
}

/** `editing` (the run whose form is open) is kept by the app, so a run added from the empty view opens its form too. */
export function RunsSidebar({ api, runs, onChanged, editing, setEditing }: { api: Api; runs: RunView[]; onChanged: () => void; editing: number | null; setEditing: (runId: number | null) => void }) {
  const [path, setPath] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [groupBy, setGroupBy] = useState<"group" | "tag">("group");
  const [removing, setRemoving] = useState<number | null>(null);
  const groups = new Map<string, RunView[]>();
  for (const r of runs) {
    const keys = groupBy === "group" ? [r.group ?? "ungrouped"] : r.tags.length ? r.tags : ["untagged"];
    for (const k of keys) groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const add = async () => {
    setError(null);
    try {
      const run = await api.addRun({ path: path.trim() });
      setPath("");
      onChanged();
      // A new run is probed once it has suites and a backend: its form opens to choose them.
      if (!run.probing) setEditing(run.id);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <aside className="sidebar" aria-label="Runs">
      <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
        <strong>Runs</strong>
        <select aria-label="Group runs by" value={groupBy} onChange={(e) => setGroupBy(e.target.value as "group" | "tag")}>
          <option value="group">by group</option>
          <option value="tag">by tag</option>
        </select>
      </div>
      {[...groups].map(([name, list]) => (
        <div key={name}>
          <h2>{name}</h2>
          {list.map((r) => {
            const st = status(r);
            const pct = r.probe.total > 0 ? (100 * r.probe.done) / r.probe.total : 0;
            return (
              <div key={r.id} className={`run${r.hidden ? " hidden-run" : ""}`} data-run={r.name}>
                <span className="swatch" style={{ background: r.colour }} />
                <div>
                  <div>{r.name}</div>
                  <div className="meta">
                    <span className={st.cls} title={r.stateReason} data-state={r.state}>
                      {st.text}
                    </span>{" "}
                    · step {r.latestStep ?? "–"} · {r.checkpoints} complete ckpts
                    {r.statusMessage && r.status === "error" ? <div className="error">{r.statusMessage}</div> : null}
                  </div>
                  {r.probe.total > 0 ? (
                    <div className="progress" title={`probed ${r.probe.done} of ${r.probe.total} samples`}>
                      <div style={{ width: `${pct}%` }} />
                    </div>
                  ) : null}
                </div>
                <div className="run-actions">
                  <button aria-label={r.hidden ? `Show ${r.name}` : `Hide ${r.name}`} title={r.hidden ? "Show" : "Hide"} onClick={() => api.setRunHidden({ runId: r.id, hidden: !r.hidden }).then(onChanged)}>
                    {r.hidden ? "show" : "hide"}
                  </button>
                  <button aria-label={`Edit ${r.name}`} title="Name, group, seed, tags, variables" aria-expanded={editing === r.id} onClick={() => setEditing(editing === r.id ? null : r.id)}>
                    edit
                  </button>
                  <button aria-label={`Remove ${r.name}…`} title="Remove from the workspace (asks first)" aria-expanded={removing === r.id} onClick={() => setRemoving(removing === r.id ? null : r.id)}>
                    remove
                  </button>
                </div>
                {removing === r.id ? (
                  <RemoveRunDialog
                    api={api}
                    run={r}
                    onDone={(removed) => {
                      setRemoving(null);
                      if (removed) onChanged();
                    }}
                  />
                ) : null}
                {editing === r.id ? (
                  <RunEditor
                    api={api}
                    run={r}
                    onDone={() => {
                      setEditing(null);
                      onChanged();
                    }}
                  />
                ) : null}
              </div>
            );
          })}
        </div>
      ))}
      <h2>Add a run</h2>
      <div className="add-run">
        <FolderField api={api} value={path} onChange={setPath} onEnter={add} />
        <button onClick={add} disabled={!path.trim()}>
          Add
        </button>
      </div>
      {error ? <div className="error">{error}</div> : null}
      <div style={{ marginTop: 10 }}>
        <button onClick={() => api.startDemo({}).then(onChanged, (e: Error) => setError(e.message))}>Start the demo run</button>
      </div>
    </aside>
  );
}
