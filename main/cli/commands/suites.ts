// driftscope suites list | show ID | validate FILE | import FILE --from FORMAT [--out FILE]
import { IMPORT_FORMATS } from "../../core/index.js";
import { choiceFlag, intFlag, parse, UsageError } from "../args.js";
import { withWorkspace } from "../workspace.js";
import { printJson, printTable, type Io } from "../output.js";

export const SUITES_HELP = `driftscope suites list | show ID|FILE | validate FILE | import FILE --from anthropic-evals|persona-vectors|em-yaml [--out FILE] [--limit N] [--samples N]
`;

const parseSuitesArgs = (argv: string[]) =>
  parse(argv, {
    from: { type: "string" },
    out: { type: "string" },
    limit: { type: "string" },
    samples: { type: "string" },
    id: { type: "string" },
  });

export async function suitesCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseSuitesArgs(argv);
  if (values.help) return io.out(SUITES_HELP), 0;
  const [sub, arg] = positionals;
  try {
    return await suitesSubcommand(sub, arg, values, io);
  } catch (err) {
    // A suite or import source that cannot be used is the user's input: its located message, exit 2, no stack.
    const e = err as Error;
    if (e?.name === "InputError" || e?.name === "SuiteError") {
      io.err(`${e.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function suitesSubcommand(sub: string | undefined, arg: string | undefined, values: ReturnType<typeof parseSuitesArgs>["values"], io: Io): Promise<number> {
  switch (sub) {
    case "list": {
      return withWorkspace(values.db, async (core) => {
        const rows = await core.call("listSuites", {});
        if (values.json) printJson(io, rows);
        else printTable(io, ["ID", "VERSION", "TRAITS", "WHERE", "NAME"], rows.map((r) => [r.id, r.version, r.traits.join(","), r.where, r.name]));
        return 0;
      });
    }
    case "show": {
      if (!arg) throw new UsageError("suites show needs a suite id or file");
      return withWorkspace(values.db, async (core) => {
        const s = await core.showSuite(arg);
        if (values.json) printJson(io, s);
        else {
          io.out(`${s.suite.name} (${s.id}, version ${s.version})\n${s.suite.description}\n\n`);
          printTable(
            io,
            ["TRAIT", "ROLE", "POLARITY", "ITEMS", "SAMPLES/ITEM", "CONTEXTS", "SCORE"],
            s.suite.traits.map((t) => [t.id, t.role, t.polarity, t.items.length, t.sampling.samplesPerItem, t.contexts.map((c) => c.id).join(","), t.score]),
          );
        }
        return 0;
      });
    }
    case "validate": {
      if (!arg) throw new UsageError("suites validate needs a file");
      return withWorkspace(values.db, async (core) => {
        const s = await core.validateSuiteFile(arg);
        if (s.valid) {
          if (values.json) printJson(io, s);
          else io.out(`${arg}: valid suite "${s.id}", version ${s.version}, traits ${s.traits.join(", ")}\n`);
          return 0;
        }
        if (values.json) printJson(io, { valid: false, problems: s.problems });
        io.err(s.message + "\n");
        return 2;
      });
    }
    case "import": {
      if (!arg) throw new UsageError("suites import needs a file");
      const format = choiceFlag("from", values.from, IMPORT_FORMATS);
      if (!format) throw new UsageError(`suites import needs --from ${IMPORT_FORMATS.join("|")}`);
      const limit = intFlag("limit", values.limit, { min: 1 });
      const samples = intFlag("samples", values.samples, { min: 1 });
      return withWorkspace(values.db, async (core) => {
        const saved = await core.importSuite({ path: arg, format, limit, samples, id: values.id, out: values.out });
        if (values.json) printJson(io, { ...saved, out: values.out ?? null });
        else io.out(`imported "${saved.id}" version ${saved.version}: ${saved.traits.map((t) => `${t.id} (${t.items} items)`).join(", ")}${values.out ? `; written to ${values.out}` : ""}\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(`suites needs list, show, validate or import (got ${sub ?? "nothing"})`);
  }
}
