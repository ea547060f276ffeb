// Removing a run from the sidebar: first says what the run has stored and what will go, then removes it with its
// results kept (adding the folder again restores them) or deleted. The run folder is never touched.
import { useEffect, useId, useRef, useState } from "react";
import type { Api, RunRemoval, RunView } from "../../shared/api.js";

export function storedText(s: RunRemoval["stored"]): string {
  return `${s.checkpoints} checkpoints, ${s.samples} samples, ${s.scores} scores, ${s.metrics} metric values, ${s.rollouts} rollouts and ${s.annotations} annotations`;
}

export function RemoveRunDialog({ api, run, onDone }: { api: Api; run: RunView; onDone: (removed: boolean) => void }) {
  const id = useId();
  const [stored, setStored] = useState<RunRemoval["stored"] | null>(null);
  const [deleteData, setDeleteData] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    api.removeRun({ runId: run.id, dryRun: true }).then((r) => setStored(r.stored), (e: Error) => setError(e.message));
    box.current?.focus();
  }, [api, run.id]);
  const remove = async () => {
    try {
      await api.removeRun({ runId: run.id, deleteData });
      onDone(true);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div ref={box} className="remove-run" role="dialog" aria-label={`Remove ${run.name}`} aria-describedby={`${id}-what`} tabIndex={-1} onKeyDown={(e) => e.key === "Escape" && onDone(false)}>
      <p id={`${id}-what`}>
        Remove <strong>{run.name}</strong> from the workspace? It will no longer be listed, watched or probed. {stored ? <>It has stored {storedText(stored)}. </> : "Counting what it has stored… "}
        {deleteData ? "All of that will be deleted; this cannot be undone." : "That is kept: adding the folder again brings the run back with it."} The folder <code>{run.path}</code> is not touched.
      </p>
      <label htmlFor={`${id}-delete`}>
        <input id={`${id}-delete`} type="checkbox" checked={deleteData} onChange={(e) => setDeleteData(e.target.checked)} /> Also delete its stored results
      </label>
      <div className="actions">
        <button className="danger" onClick={remove} disabled={!stored}>
          {deleteData ? "Remove and delete" : "Remove"}
        </button>
        <button onClick={() => onDone(false)}>Cancel</button>
      </div>
      {error ? <div className="error">{error}</div> : null}
    </div>
  );
}
