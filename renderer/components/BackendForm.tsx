// A backend's settings form, built from the core's description of each kind (listBackendKinds): every registered
// kind can be created, tested and saved from the app, and the form cannot disagree with what the core accepts.
import { useId, useMemo, useState } from "react";
import type { Api, BackendFieldInfo, BackendKindInfo, BackendTest } from "../../shared/api.js";
import { TestVerdict } from "./BackendTestVerdict.js";

type Values = Record<string, string | boolean>;

/** The form's strings for a kind: a stored backend's settings when editing, else the kind's defaults. */
export function initialValues(kind: BackendKindInfo | undefined, stored?: Record<string, unknown>): Values {
  const out: Values = {};
  for (const f of kind?.fields ?? []) {
    const v = stored && f.name in stored ? stored[f.name] : f.default;
    out[f.name] = f.type === "boolean" ? v === true : v === undefined || v === null ? "" : Array.isArray(v) ? v.join("\n") : String(v);
  }
  if (kind && !stored) out.name = kind.kind === "demo" ? "demo" : "my-server";
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
      <label htmlFor={id}>{field.label}</label>
      {/* The mark is for the eye; the input's required attribute says it to assistive technology. */}
      {field.required ? <span aria-hidden="true">* </span> : null}
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
        <input id={id} required={field.required} type={field.type === "string" ? "text" : "number"} min={field.min} max={field.max} value={String(value)} onChange={(e) => onChange(e.target.value)} />
      )}
      {help ? <span className="note"> {help}</span> : null}
    </div>
  );
}

/** Creates a backend, or edits a stored one (editing: its settings; a new name saves it under that name and
 * deletes the old one). In the desktop app a key typed here is sealed with safeStorage and the backend reads it
 * from the environment variable the app exposes it under; in a browser the form takes the variable's name. */
export function BackendForm({ api, kinds, editing, onSaved }: { api: Api; kinds: BackendKindInfo[]; editing?: { name: string; kind: string } & Record<string, unknown>; onSaved: () => void }) {
  const [kindName, setKindName] = useState(editing?.kind ?? kinds[0]?.kind ?? "openai");
  const kind = useMemo(() => kinds.find((k) => k.kind === kindName), [kinds, kindName]);
  const [values, setValues] = useState<Values>(() => initialValues(kind, editing));
  const [apiKey, setApiKey] = useState("");
  const keyId = useId();
  const [test, setTest] = useState<BackendTest | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  if (!kind) return null;
  const config = configFrom(kind, values);
  const secret = kind.fields.find((f) => f.secret);
  const save = async () => {
    try {
      if (apiKey && api.desktop && secret) config[secret.name] = await api.desktop.setApiKey(String(config.name ?? ""), apiKey);
      const saved = await api.saveBackend({ config });
      if (editing && editing.name !== saved.name) await api.deleteBackend({ name: editing.name });
      setApiKey("");
      setMessage(`saved backend "${saved.name}" (${saved.kind}); runs and the CLI can use it by name`);
      onSaved();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  return (
    <div className="backend-form">
      <div className="field">
        <label htmlFor="backend-kind">Backend kind</label>
        <select
          id="backend-kind"
          value={kindName}
          onChange={(e) => {
            setKindName(e.target.value);
            setValues(initialValues(kinds.find((k) => k.kind === e.target.value)));
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
      {secret && api.desktop ? (
        <div className="field">
          <label htmlFor={keyId}>API key</label>
          <input id={keyId} type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
          <span className="note"> stored encrypted by the system keychain (safeStorage) when you save; leave empty to keep the stored key</span>
        </div>
      ) : null}
      <div className="toolbar">
        <button onClick={async () => setTest(await api.testBackend({ config }))}>Test connection</button>
        <button onClick={save}>Save backend</button>
      </div>
      {message ? (
        <p className="note" data-testid="backend-saved">
          {message}
        </p>
      ) : null}
      {test ? <TestVerdict test={test} /> : null}
    </div>
  );
}
