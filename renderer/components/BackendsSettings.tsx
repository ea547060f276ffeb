// Settings' backends: every stored backend with Edit, Test and Delete, and a form for a new one. Deleting asks
// first and says which runs were set up with the backend (they keep probing with their own copy of its settings).
import { useState } from "react";
import type { Api, BackendTest } from "../../shared/api.js";
import { BackendForm } from "./BackendForm.js";
import { TestVerdict } from "./BackendTestVerdict.js";
import { useLive } from "../useApi.js";

type Stored = { name: string; kind: string } & Record<string, unknown>;

function where(b: Stored): string {
  const urls = Array.isArray(b.baseUrls) ? (b.baseUrls as string[]) : typeof b.baseUrl === "string" ? [b.baseUrl] : [];
  return urls.length > 0 ? urls.join(", ") : typeof b.command === "string" ? b.command : "";
}

export function BackendsSettings({ api }: { api: Api }) {
  const kinds = useLive(api, () => api.listBackendKinds({}), () => false, []);
  const backends = useLive(api, () => api.listBackends({}), () => false, []);
  // null: nothing open; "new": the new-backend form; else the name of the backend being edited.
  const [open, setOpen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, BackendTest | "testing">>({});
  const [message, setMessage] = useState<string | null>(null);
  const list = backends.data ?? [];
  const editing = list.find((b) => b.name === open);
  const remove = async (name: string) => {
    try {
      const r = await api.deleteBackend({ name });
      setMessage(
        r.deleted
          ? `deleted backend "${name}"` + (r.runs.length ? `; ${r.runs.join(", ")} keep probing with the copy of its settings they were set up with` : "")
          : `no backend "${name}" to delete`,
      );
    } catch (e) {
      setMessage((e as Error).message);
    }
    setConfirming(null);
    if (open === name) setOpen(null);
    backends.reload();
  };
  const test = async (b: Stored) => {
    setTests((t) => ({ ...t, [b.name]: "testing" }));
    const { name: _name, ...config } = b;
    const result = await api.testBackend({ config: { name: b.name, ...config } });
    setTests((t) => ({ ...t, [b.name]: result }));
  };
  return (
    <div>
      <table className="stored-backends" data-testid="stored-backends">
        <thead>
          <tr>
            <th scope="col">Backend</th>
            <th scope="col">Kind</th>
            <th scope="col">Server</th>
            <th scope="col">Key</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.map((b) => {
            const t = tests[b.name];
            return (
              <tr key={b.name} data-backend={b.name}>
                <td>
                  <strong>{b.name}</strong>
                </td>
                <td>{b.kind}</td>
                <td className="note">{where(b)}</td>
                <td className="note">{typeof b.apiKeyEnv === "string" ? `from $${b.apiKeyEnv}` : "none"}</td>
                <td>
                  <div className="run-actions" role="group" aria-label={`Backend ${b.name}`}>
                    <button onClick={() => setOpen(open === b.name ? null : b.name)} aria-expanded={open === b.name}>
                      Edit
                    </button>
                    <button onClick={() => void test(b)}>Test</button>
                    <button onClick={() => setConfirming(b.name)}>Delete…</button>
                  </div>
                  {confirming === b.name ? (
                    <div role="alertdialog" aria-label={`Delete backend ${b.name}`} className="confirm">
                      <p>Delete backend “{b.name}”? Runs already set up with it keep their own copy of its settings; new runs can no longer choose it.</p>
                      <button onClick={() => void remove(b.name)}>Delete backend</button> <button onClick={() => setConfirming(null)}>Cancel</button>
                    </div>
                  ) : null}
                  {t === "testing" ? <div className="note">testing…</div> : t ? <TestVerdict test={t} /> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list.length === 0 ? <p className="note">No backends stored yet: the built-in “demo” backend needs none. Add your server with New backend.</p> : null}
      {message ? (
        <p className="note" role="status" data-testid="backend-message">
          {message}
        </p>
      ) : null}
      <div className="toolbar">
        <button onClick={() => setOpen(open === "new" ? null : "new")} aria-expanded={open === "new"}>
          New backend
        </button>
      </div>
      {kinds.data && (open === "new" || editing) ? (
        <section aria-label={editing ? `Edit backend ${editing.name}` : "New backend"}>
          <h4>{editing ? `Edit backend “${editing.name}”` : "New backend"}</h4>
          <BackendForm key={open!} api={api} kinds={kinds.data} editing={editing} onSaved={() => backends.reload()} />
        </section>
      ) : null}
    </div>
  );
}
