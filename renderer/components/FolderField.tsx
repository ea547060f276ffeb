// The run-folder field: in a browser, a path field whose suggestions are the existing folders that start with what
// is typed (the core lists them); in the desktop app also a button for the system's folder dialog.
import { useEffect, useId, useState } from "react";
import type { Api } from "../../shared/api.js";

export function FolderField({ api, value, onChange, onEnter }: { api: Api; value: string; onChange: (path: string) => void; onEnter?: () => void }) {
  const listId = useId();
  const [folders, setFolders] = useState<string[]>([]);
  useEffect(() => {
    if (!value.trim()) return setFolders([]);
    let live = true;
    // Typing fast asks once, after a pause.
    const timer = setTimeout(() => void api.completeFolder({ prefix: value }).then((r) => live && setFolders(r.folders), () => live && setFolders([])), 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, value]);
  return (
    <>
      <input
        aria-label="Run folder path"
        placeholder="/path/to/run/output"
        list={listId}
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && onEnter?.()}
      />
      <datalist id={listId} data-testid="folder-suggestions">
        {folders.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      {api.desktop ? (
        <button
          type="button"
          onClick={async () => {
            const picked = await api.desktop!.pickFolder();
            if (picked) onChange(picked);
          }}
        >
          Choose folder…
        </button>
      ) : null}
    </>
  );
}
