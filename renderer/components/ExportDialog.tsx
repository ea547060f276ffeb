// The Export dialog: format, preset, size, DPI, title and what to include, with a live preview drawn by the same
// Figure component that writes the file. SVG, CSV and JSON are made here in the browser by the shared code; PNG
// and PDF are drawn by the core from that same SVG. Saved through the native dialog in Electron, downloaded in
// serve mode, always with the manifest beside the file.
import { useEffect, useMemo, useState } from "react";
import type { Api, RunView, TraitInfo } from "../../shared/api.js";
import type { ExportData } from "../../shared/chart/exportData.js";
import { defaultExportFileName, EXPORT_FORMATS, exportDpi, MIME_TYPES, PRESETS, ROLLOUT_MEASURE_LABELS, type ChartSpec, type ExportFormat } from "../../shared/chart/exportSpec.js";
import { buildFigure, defaultTitle } from "../../shared/chart/figureLayout.js";
import { Figure } from "../../shared/chart/Figure.js";
import { buildManifest, manifestText } from "../../shared/chart/manifest.js";
import { useLive } from "../useApi.js";
import { saveExport, utf8ToBase64 } from "../saveFile.js";
import { PresetSelect } from "./PresetSelect.js";

export interface ExportDialogProps {
  api: Api;
  runs: RunView[];
  traits: TraitInfo[];
  /** What the drift view shows now: the dialog starts from it. */
  initial: ChartSpec;
  onClose: () => void;
}

export function ExportDialog({ api, runs, traits, initial, onClose }: ExportDialogProps) {
  const [spec, setSpec] = useState<ChartSpec>(initial);
  const [format, setFormat] = useState<ExportFormat>("svg");
  const [fileName, setFileName] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof ChartSpec>(key: K, value: ChartSpec[K]) => setSpec((s) => ({ ...s, [key]: value }));
  const specKey = JSON.stringify(spec);
  const runSet = useMemo(() => new Set(spec.runs), [spec.runs.join(",")]);

  const data = useLive<ExportData>(
    api,
    () => api.getExportData({ spec }),
    (e) => (e.type === "scores-updated" || e.type === "metrics-added" || e.type === "annotation-changed" || e.type === "rollouts-updated") && runSet.has(e.runId),
    [specKey],
  );
  const figure = useMemo(() => (data.data ? buildFigure(spec, data.data) : null), [data.data, specKey]);
  // Named after the runs the figure draws: a visible run with no data yet is not in the name.
  const named = figure && figure.runs.length > 0 ? figure.runs : spec.runs;
  const name = fileName ?? defaultExportFileName(named.map((id) => runs.find((r) => r.id === id)?.name ?? String(id)), format);
  const preset = PRESETS[spec.preset];

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const save = async () => {
    if (!figure || !data.data) return;
    setBusy(true);
    setStatus(null);
    try {
      let file: { base64: string; manifest: string };
      if (format === "svg" || format === "csv" || format === "json") {
        // The server-side renderer is loaded on first export only, keeping it out of the app's start-up.
        const { textExport } = await import("../../shared/chart/exportText.js");
        const manifest = buildManifest({ spec, data: data.data, figure, format, file: name, createdAt: new Date().toISOString() });
        file = { base64: utf8ToBase64(textExport(format, figure)), manifest: manifestText(manifest) };
      } else {
        const rendered = await api.renderExport({ spec, format, fileName: name });
        file = { base64: rendered.base64, manifest: manifestText(rendered.manifest) };
      }
      const where = await saveExport(api, { fileName: name, mimeType: MIME_TYPES[format], ...file });
      setStatus(where === null ? "Cancelled." : where === "downloaded" ? `Downloaded ${name} and its manifest.` : `Saved ${where} and its manifest.`);
    } catch (err) {
      setStatus(`Export failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const toggleTrait = (t: string, on: boolean) => {
    const all = traits.map((x) => x.trait);
    const current = spec.traits.length ? spec.traits : all;
    const next = on ? all.filter((x) => current.includes(x) || x === t) : current.filter((x) => x !== t);
    set("traits", next.length === all.length ? [] : next);
  };
  const metricKeys = initial.metrics;

  return (
    <div className="modal-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal export-dialog" role="dialog" aria-label="Export chart">
        <div className="export-form">
          <h3>Export chart</h3>
          <label>
            Format
            <select aria-label="Export format" value={format} onChange={(e) => (setFormat(e.target.value as ExportFormat), setFileName(null))}>
              {EXPORT_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {f.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
          <PresetSelect label="Export preset" value={spec.preset} onChange={(preset) => setSpec((s) => ({ ...s, preset, width: null, height: null }))} />
          <label>
            Width (in)
            <input aria-label="Export width" type="number" min={1} max={100} step={0.1} value={spec.width ?? preset.width} onChange={(e) => set("width", Number(e.target.value) > 0 ? Number(e.target.value) : null)} />
          </label>
          <label>
            Height (in)
            <input aria-label="Export height" type="number" min={1} max={100} step={0.1} placeholder="auto" value={spec.height ?? preset.height ?? ""} onChange={(e) => set("height", e.target.value === "" ? null : Number(e.target.value))} />
          </label>
          {format === "png" ? (
            <label>
              DPI
              <input aria-label="Export DPI" type="number" min={36} max={2400} value={exportDpi(spec)} onChange={(e) => set("dpi", Number(e.target.value) || null)} />
            </label>
          ) : null}
          <label>
            <input type="checkbox" aria-label="Show title" checked={spec.title !== ""} onChange={(e) => set("title", e.target.checked ? null : "")} />
            Title
            <input aria-label="Export title" disabled={spec.title === ""} value={spec.title ?? ""} placeholder={data.data ? defaultTitle(data.data, spec, figure?.runs) : ""} onChange={(e) => set("title", e.target.value === "" ? null : e.target.value)} />
          </label>
          <label>
            Theme
            <select aria-label="Export theme" value={spec.theme} onChange={(e) => set("theme", e.target.value as ChartSpec["theme"])}>
              <option value="light">light</option>
              <option value="dark">dark</option>
            </select>
          </label>
          <fieldset>
            <legend>Include</legend>
            <label>
              <input type="checkbox" aria-label="Include CI bands" checked={spec.ci} onChange={(e) => set("ci", e.target.checked)} /> 95% CI bands
            </label>
            <label>
              <input type="checkbox" aria-label="Include annotations" checked={spec.annotations} onChange={(e) => set("annotations", e.target.checked)} /> annotations
            </label>
            <label>
              <input type="checkbox" aria-label="Include group means" checked={spec.groupMeans} onChange={(e) => set("groupMeans", e.target.checked)} /> group means
            </label>
            {metricKeys.length ? (
              <label>
                <input type="checkbox" aria-label="Include training metrics" checked={spec.metrics.length > 0} onChange={(e) => set("metrics", e.target.checked ? metricKeys : [])} /> training metrics ({metricKeys.join(", ")})
              </label>
            ) : null}
            {initial.rollouts?.length ? (
              <label>
                <input type="checkbox" aria-label="Include rollout panels" checked={(spec.rollouts ?? []).length > 0} onChange={(e) => set("rollouts", e.target.checked ? initial.rollouts : [])} /> rollouts ({(initial.rollouts ?? []).map((m) => ROLLOUT_MEASURE_LABELS[m]).join(", ")})
              </label>
            ) : null}
            {initial.range ? (
              <label>
                <input type="checkbox" aria-label="Only the zoomed range" checked={spec.range !== null} onChange={(e) => set("range", e.target.checked ? initial.range : null)} /> only the zoomed range
              </label>
            ) : null}
          </fieldset>
          <fieldset>
            <legend>Traits</legend>
            {traits.map((t) => (
              <label key={t.trait}>
                <input type="checkbox" aria-label={`Export trait ${t.trait}`} checked={spec.traits.length === 0 || spec.traits.includes(t.trait)} onChange={(e) => toggleTrait(t.trait, e.target.checked)} /> {t.name}
              </label>
            ))}
          </fieldset>
          <label>
            File name
            <input aria-label="Export file name" value={name} onChange={(e) => setFileName(e.target.value)} />
          </label>
          <div className="row">
            <button className="primary" onClick={save} disabled={busy || !figure}>
              {busy ? "Exporting…" : api.desktop ? "Save…" : "Download"}
            </button>
            <button onClick={onClose}>Close</button>
          </div>
          {status ? <p className="note export-status">{status}</p> : null}
          {data.error ? <p className="error">{data.error}</p> : null}
          <p className="note">
            {figure ? `${figure.widthIn.toFixed(2)} × ${figure.heightIn.toFixed(2)} in` : ""}
            {figure && format === "png" ? ` · ${Math.round(figure.widthIn * exportDpi(spec))} × ${Math.round(figure.heightIn * exportDpi(spec))} px` : ""}
          </p>
        </div>
        <div className="export-preview" aria-label="Export preview">
          {figure ? <Figure figure={figure} /> : <p className="note">Loading…</p>}
        </div>
      </div>
    </div>
  );
}
