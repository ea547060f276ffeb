// A backend's settings form, built from the core's description of each kind (listBackendKinds): every registered
// kind can be created, tested and saved from the app, and the form cannot disagree with what the core accepts.
import { useId, useMemo, useState } from "react";
import type { Api, BackendFieldInfo, BackendKindInfo, BackendTest } from "../../shared/api.js";

type Values = Record<string, string | boolean>;

function initial(kind: BackendKindInfo | undefined): Values {
  const out: Values = {};
  for (const f of kind?.fields ?? []) out[f.name] = f.type === "boolean" ? f.default === true : f.default === undefined ? "" : Array.isArray(f.default) ? f.default.join("\n") : String(f.default);
  if (kind) out.name = kind.kind === "demo" ? "demo" : "my-server";
  return out;
}

/** The form's strings as a config: empty optional fields left out, numbers as numbers, lists one per line. */
export function configFrom(kind: BackendKindInfo, values: Values): Record<string, unknown> {
  const config: Record<string, unknown> = { kind: kind.kind };
  for (const f of kind.fields) {
    const v = values[f.name];
    if (f.type === "boolean") config[f.name] = v === true;
    else if (typeof v !== "string" || v.trim() === "") continue;
    else if (f.type === "integer" || f.type === "number") config[f.name] = Number(v);
    else if (f.type === "string-list") config[f.name] = v.split("\n").map((s) => s.trim()).filter(Boolean);
    else config[f.name] = v.trim();
  }
  return config;
}

function Field({ field, value, onChange }: { field: BackendFieldInfo; value: string | boolean; onChange: (v: string | boolean) => void }) {
  const id = useId();
  const help = field.help + (field.secret ? " (the name of an environment variable, never the key)" : "");
  return (
    <div className="field">
      <label htmlFor={id}>
        {field.label}
        {field.required ? " *" : ""}
      </label>
      {field.type === "boolean" ? (
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
      ) : field.type === "choice" ? (
        <select id={id} value={String(value)} onChange={(e) => onChange(e.target.value)}>
          <option value="">(default)</option>
          {field.choices!.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      ) : field.type === "string-list" ? (
        <textarea id={id} rows={2} value={String(value)} placeholder="one per line" onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input id={id} type={field.type === "string" ? "text" : "number"} min={field.min} max={field.max} value={String(value)} onChange={(e) => onChange(e.target.value)} />
      )}
      {help ? <span className="note"> {help}</span> : null}
    </div>
  );
}

export function BackendForm({ api, kinds, onSaved }: { api: Api; kinds: BackendKindInfo[]; onSaved: () => void }) {
  const [kindName, setKindName] = useState(kinds[0]?.kind ?? "openai");
  const kind = useMemo(() => kinds.find((k) => k.kind === kindName), [kinds, kindName]);
  const [values, setValues] = useState<Values>(() => initial(kind));
  const [test, setTest] = useState<BackendTest | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  if (!kind) return null;
  const config = configFrom(kind, values);
  return (
    <div className="backend-form">
      <div className="field">
        <label htmlFor="backend-kind">Backend kind</label>
        <select
          id="backend-kind"
          value={kindName}
          onChange={(e) => {
            setKindName(e.target.value);
            setValues(initial(kinds.find((k) => k.kind === e.target.value)));
            setTest(null);
          }}
        >
          {kinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.kind}
            </option>
          ))}
        </select>
        <span className="note"> {kind.label}: {kind.description}</span>
      </div>
      {kind.fields.map((f) => (
        <Field key={`${kind.kind}.${f.name}`} field={f} value={values[f.name] ?? ""} onChange={(v) => setValues({ ...values, [f.name]: v })} />
      ))}
      <div className="toolbar">
        <button onClick={async () => setTest(await api.testBackend({ config }))}>Test connection</button>
        <button
          onClick={async () => {
            try {
              const saved = await api.saveBackend({ config });
              setMessage(`saved backend "${saved.name}" (${saved.kind}); runs and the CLI can use it by name`);
              onSaved();
            } catch (e) {
              setMessage((e as Error).message);
            }
          }}
        >
          Save backend
        </button>
      </div>
      {message ? (
        <p className="note" data-testid="backend-saved">
          {message}
        </p>
      ) : null}
      {test ? (
        <div data-testid="backend-test">
          {test.reachable && test.refused ? (
            <span className="error">reachable, but it refused the test request: {test.refused}</span>
          ) : test.reachable ? (
            <span>
              reachable · models: {test.models.join(", ") || "none listed"} · honours n: {test.honoursN ? "yes" : "no"} · top_logprobs up to {test.maxTopLogprobs}
            </span>
          ) : (
            <span className="error">not reachable: {test.error}</span>
          )}
          {test.notes.map((n) => (
            <div key={n} className="note">
              {n}
            </div>
          ))}
          {test.warnings.map((w) => (
            <div key={w} className="note">
              warning: {w}
            </div>
          ))}
          <div data-testid="backend-verdict">verdict: {test.verdict}</div>
        </div>
      ) : null}
    </div>
  );
}
