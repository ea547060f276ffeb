// driftscope suites list | show ID | validate FILE | import FILE --from FORMAT [--out FILE]
import { writeFile } from "node:fs/promises";
import { listAllSuites } from "../../core/probes/builtins.js";
import { IMPORT_FORMATS, importSuiteFile } from "../../core/probes/importers/index.js";
import { resolveSuite } from "../../core/probes/probeConfig.js";
import { loadSuiteFile, SuiteError } from "../../core/probes/suiteLoader.js";
import { ProbeStore } from "../../core/store/probeStore.js";
import { choiceFlag, intFlag, parse, UsageError } from "../args.js";
import { openStore } from "../openStore.js";
import { printJson, printTable, type Io } from "../output.js";

export const SUITES_HELP = `driftscope suites list | show ID|FILE | validate FILE | import FILE --from anthropic-evals|persona-vectors|em-yaml [--out FILE] [--limit N] [--samples N]
`;

export async function suitesCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {
    from: { type: "string" },
    out: { type: "string" },
    limit: { type: "string" },
    samples: { type: "string" },
    id: { type: "string" },
  });
  if (values.help) return io.out(SUITES_HELP), 0;
  const [sub, arg] = positionals;
  switch (sub) {
    case "list": {
      const store = openStore(values.db);
      try {
        const rows = await listAllSuites(new ProbeStore(store));
        if (values.json) printJson(io, rows);
        else printTable(io, ["ID", "VERSION", "TRAITS", "WHERE", "NAME"], rows.map((r) => [r.id, r.version, r.traits.join(","), r.where, r.name]));
        return 0;
      } finally {
        store.close();
      }
    }
    case "show": {
      if (!arg) throw new UsageError("suites show needs a suite id or file");
      const store = openStore(values.db);
      try {
        const s = await resolveSuite(new ProbeStore(store), arg);
        if (values.json) printJson(io, { id: s.key, version: s.version, suite: s.suite });
        else {
          io.out(`${s.suite.name} (${s.key}, version ${s.version})\n${s.suite.description}\n\n`);
          printTable(
            io,
            ["TRAIT", "ROLE", "POLARITY", "ITEMS", "SAMPLES/ITEM", "CONTEXTS", "SCORE"],
            s.suite.traits.map((t) => [t.id, t.role, t.polarity, t.items.length, t.sampling.samplesPerItem, t.contexts.map((c) => c.id).join(","), t.score]),
          );
        }
        return 0;
      } finally {
        store.close();
      }
    }
    case "validate": {
      if (!arg) throw new UsageError("suites validate needs a file");
      try {
        const s = await loadSuiteFile(arg);
        if (values.json) printJson(io, { valid: true, id: s.suite.id, version: s.version, traits: s.suite.traits.map((t) => t.id) });
        else io.out(`${arg}: valid suite "${s.suite.id}", version ${s.version}, traits ${s.suite.traits.map((t) => t.id).join(", ")}\n`);
        return 0;
      } catch (err) {
        if (!(err instanceof SuiteError)) throw err;
        if (values.json) printJson(io, { valid: false, problems: err.problems });
        io.err(err.message + "\n");
        return 1;
      }
    }
    case "import": {
      if (!arg) throw new UsageError("suites import needs a file");
      const format = choiceFlag("from", values.from, IMPORT_FORMATS);
      if (!format) throw new UsageError(`suites import needs --from ${IMPORT_FORMATS.join("|")}`);
      const imported = await importSuiteFile(arg, format, { limit: intFlag("limit", values.limit, { min: 1 }), samples: intFlag("samples", values.samples, { min: 1 }), id: values.id });
      if (values.out) await writeFile(values.out, imported.yaml);
      const store = openStore(values.db);
      try {
        const saved = new ProbeStore(store).saveSuite(imported, values.out ?? arg);
        if (values.json) printJson(io, { id: saved.key, version: saved.version, traits: saved.suite.traits.map((t) => ({ id: t.id, items: t.items.length })), out: values.out ?? null });
        else io.out(`imported "${saved.key}" version ${saved.version}: ${saved.suite.traits.map((t) => `${t.id} (${t.items.length} items)`).join(", ")}${values.out ? `; written to ${values.out}` : ""}\n`);
        return 0;
      } finally {
        store.close();
      }
    }
    default:
      throw new UsageError(`suites needs list, show, validate or import (got ${sub ?? "nothing"})`);
  }
}
