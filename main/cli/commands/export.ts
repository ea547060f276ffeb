// driftscope export: the same figure the app's Export dialog makes, from the command line, with its manifest.
import { renameSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { EXPORT_FORMATS, PRESET_IDS, defaultExportFileName, defaultSpec, formatFromFileName, manifestFileName, type ChartSpec } from "../../../shared/chart/exportSpec.js";
import { EXPERIMENT_EXPORT_FORMATS, EXPERIMENT_VIEWS } from "../../../shared/chart/experimentExportSpec.js";
import { manifestText } from "../../../shared/chart/manifest.js";
import { choiceFlag, intFlag, numberFlag, parse, UsageError } from "../args.js";
import { withWorkspace } from "../workspace.js";
import { printJson, type Io } from "../output.js";

export const EXPORT_HELP = `driftscope export --run RUN [--run RUN...] [options]
  --trait ID...          traits to draw (default: every trait of the runs' suites)
  --context ID           eval context (default: each trait's first)
  --metric KEY...        training metrics as extra panels (reward, kl, ...)
  --rollouts M...        rollout panels per trait (what the policy sampled during RL): mean (prevalence with its
                         95% interval over prompts), rewardCorr, advantageWeighted, rewardShare
  --format F             svg, png, pdf, csv or json (default: from --out's extension, else svg)
  --preset P             paper1 (3.5 in), paper2 (7 in), slide (16:9), screen   (default paper2)
  --dpi N                PNG resolution (default: the preset's)
  --width IN --height IN size in inches (default: the preset's)
  --title TEXT           figure title ("" for none; default: the run names)
  --x step|time          x axis: RL step, or hours since the first checkpoint
  --from N --to N        only this x range
  --smoothing W          debiased EMA weight in [0, 1) drawn over the raw points
  --no-ci --no-annotations --no-group-means   leave those out
  --theme light|dark
  --out FILE             where to write (a manifest goes beside it as NAME.EXT.manifest.json)
driftscope export --experiment NAME [--view matrix|grid|scatter|steps] [--context C] [--trait T] [--at final|step:N|window:A-B]
                  --format svg|png|pdf|csv|tex [--preset P] [--dpi N] [--theme light|dark] [--out FILE]
  an experiment view as a figure at the preset's width: the effect matrix (default), a trait's context grid, the
  trade-off scatter (the wanted trait against --trait) or Δ versus the control across steps (--trait); the matrix
  also as CSV (every context unless --context) or a LaTeX booktabs tabular of one context`;

/** Writes beside the target and renames, so an interrupted export never leaves half a file under the real name. */
function writeAtomic(path: string, bytes: Buffer | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

export async function exportCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    run: { type: "string", multiple: true },
    trait: { type: "string", multiple: true },
    context: { type: "string" },
    metric: { type: "string", multiple: true },
    rollouts: { type: "string", multiple: true },
    format: { type: "string" },
    preset: { type: "string" },
    dpi: { type: "string" },
    width: { type: "string" },
    height: { type: "string" },
    title: { type: "string" },
    x: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    smoothing: { type: "string" },
    "no-ci": { type: "boolean" },
    "no-annotations": { type: "boolean" },
    "no-group-means": { type: "boolean" },
    experiment: { type: "string" },
    view: { type: "string" },
    at: { type: "string" },
    theme: { type: "string" },
    out: { type: "string" },
  });
  if (values.help) return io.out(EXPORT_HELP + "\n"), 0;
  if (values.experiment !== undefined) {
    // An experiment view as a figure (SVG, PNG, PDF), or its effect matrix as data (CSV) or for a paper (LaTeX).
    const view = choiceFlag("view", values.view, EXPERIMENT_VIEWS) ?? "matrix";
    const ext = values.out ? /\.([A-Za-z]+)$/.exec(values.out)?.[1]?.toLowerCase() : undefined;
    const format = choiceFlag("format", values.format ?? EXPERIMENT_EXPORT_FORMATS.find((f) => f === ext), EXPERIMENT_EXPORT_FORMATS);
    if (!format) throw new UsageError(`an experiment view exports as --format ${EXPERIMENT_EXPORT_FORMATS.join(", ")} (or --out FILE with one of those extensions)`);
    const preset = choiceFlag("preset", values.preset, PRESET_IDS);
    const theme = choiceFlag("theme", values.theme, ["light", "dark"] as const);
    const dpi = intFlag("dpi", values.dpi, { min: 36 });
    if ((values.trait?.length ?? 0) > 1) throw new UsageError("an experiment view takes one --trait (the grid's, the scatter's y, or the Δ chart's)");
    return withWorkspace(values.db, async (core) => {
      const out = resolve(values.out ?? `${values.experiment!.replace(/[^\w.-]+/g, "-")}-${view}.${format}`);
      const { bytes, manifest } = await core.exportExperimentView({ experiment: values.experiment!, view, format, context: values.context, at: values.at, trait: values.trait?.[0], preset, theme, dpi, fileName: basename(out) });
      writeAtomic(out, bytes);
      const manifestPath = manifestFileName(out);
      writeAtomic(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
      if (values.json) printJson(io, { file: out, manifest: manifestPath, view, format, bytes: bytes.length });
      else io.out(`${out} (${view}, ${format})\n${manifestPath}\n`);
      return 0;
    });
  }
  if (!values.run?.length) throw new UsageError("export needs at least one --run RUN (id or name)");
  const fromExt = values.out ? formatFromFileName(values.out) : null;
  if (values.out && !values.format && !fromExt) throw new UsageError(`cannot tell the format from "${values.out}": give --format (${EXPORT_FORMATS.join(", ")}) or an extension such as .svg`);
  const format = choiceFlag("format", values.format, EXPORT_FORMATS) ?? fromExt ?? "svg";
  const from = numberFlag("from", values.from, -Infinity, Infinity);
  const to = numberFlag("to", values.to, -Infinity, Infinity);
  if ((from === undefined) !== (to === undefined)) throw new UsageError("--from and --to go together");
  if (from !== undefined && to !== undefined && !(to > from)) throw new UsageError(`--to (${to}) must be greater than --from (${from})`);

  return withWorkspace(values.db, async (core) => {
    const runs = values.run!.map((ref) => core.findRun(ref));
    const spec: ChartSpec = {
      ...defaultSpec(runs.map((r) => r.id)),
      traits: values.trait ?? [],
      context: values.context ?? null,
      metrics: values.metric ?? [],
      xAxis: choiceFlag("x", values.x, ["step", "time"] as const) ?? "step",
      range: from !== undefined && to !== undefined ? [from, to] : null,
      smoothing: numberFlag("smoothing", values.smoothing, 0, 0.99) ?? 0,
      ci: !values["no-ci"],
      annotations: !values["no-annotations"],
      groupMeans: !values["no-group-means"],
      theme: choiceFlag("theme", values.theme, ["light", "dark"] as const) ?? "light",
      preset: choiceFlag("preset", values.preset, PRESET_IDS) ?? "paper2",
      width: numberFlag("width", values.width, 1, 100) ?? null,
      height: numberFlag("height", values.height, 1, 100) ?? null,
      dpi: intFlag("dpi", values.dpi, { min: 36 }) ?? null,
      title: values.title ?? null,
      ...(values.rollouts?.length ? { rollouts: values.rollouts.map((m) => choiceFlag("rollouts", m, ["mean", "rewardCorr", "advantageWeighted", "rewardShare"] as const)!) } : {}),
    };
    const out = resolve(values.out ?? defaultExportFileName(runs.map((r) => r.name), format));
    // The spec is validated by the contract's schema, so a bad value reads the same here and in the app.
    const { bytes, manifest } = await core.exportFigure(spec, format, basename(out));
    writeAtomic(out, bytes);
    const manifestPath = manifestFileName(out);
    writeAtomic(manifestPath, manifestText(manifest));
    if (values.json) printJson(io, { file: out, manifest: manifestPath, format, bytes: bytes.length });
    else io.out(`${out} (${format}, ${bytes.length} bytes)\n${manifestPath}\n`);
    return 0;
  });
}
