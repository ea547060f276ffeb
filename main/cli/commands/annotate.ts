// driftscope annotate RUN --step N [--to M] --text TEXT [--tag T]... | annotations RUN --json
import { intFlag, parse, UsageError } from "../args.js";
import { withWorkspace } from "../workspace.js";
import { printJson, printTable, type Io } from "../output.js";

export async function annotateCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { step: { type: "string" }, to: { type: "string" }, text: { type: "string" }, tag: { type: "string", multiple: true }, color: { type: "string" } });
  if (values.help) return io.out("driftscope annotate RUN --step N [--to M] --text TEXT [--tag T]... [--color #rrggbb]\n"), 0;
  if (positionals.length !== 1) throw new UsageError("annotate needs one run (id or name)");
  const step = intFlag("step", values.step, { min: 0 });
  if (step === undefined) throw new UsageError("annotate needs --step N");
  if (!values.text) throw new UsageError("annotate needs --text TEXT");
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    const a = await core.call("createAnnotation", { runId: run.id, step, to: intFlag("to", values.to, { min: step }) ?? null, text: values.text, tags: values.tag ?? [], ...(values.color !== undefined ? { color: values.color } : {}) });
    if (values.json) printJson(io, { id: a.id, step: a.step, to: a.to, text: a.text, tags: a.tags });
    else io.out(`annotation ${a.id} on run "${run.name}" at step ${a.step}${a.to !== null ? `..${a.to}` : ""}\n`);
    return 0;
  });
}

export async function annotationsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (values.help) return io.out("driftscope annotations RUN [--json]\n"), 0;
  if (positionals.length !== 1) throw new UsageError("annotations needs one run (id or name)");
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    const rows = (await core.call("listAnnotations", { runIds: [run.id] })).map((a) => ({ id: a.id, step: a.step, to: a.to, text: a.text, tags: a.tags }));
    if (values.json) printJson(io, rows);
    else printTable(io, ["ID", "STEP", "TO", "TAGS", "TEXT"], rows.map((a) => [a.id, a.step, a.to, a.tags.join(","), a.text]));
    return 0;
  });
}
