// Reads a suite file (YAML or JSON; JSON is read by the YAML parser too, so both get line and column positions),
// validates it, applies defaults and computes its version: a hash of the normalised content.
import { createHash } from "node:crypto";
import { LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { readBounded } from "../util/boundedRead.js";
import type { InputError } from "../util/inputError.js";
import { checkAliases } from "../util/yamlLimits.js";
import { decodeUtf8 } from "../util/readText.js";
import { sortKeysDeep } from "../util/sortKeys.js";
import { NO_SYSTEM_PROMPT, samplingSchema, suiteSchema, type Suite, type Trait } from "./suiteSchema.js";
import { scorerKind } from "./scorers/registry.js";

export interface SuiteProblem {
  file: string;
  line: number;
  column: number;
  /** Where in the suite, e.g. traits[2].items[0].prompt */
  at: string;
  message: string;
}

export class SuiteError extends Error {
  constructor(readonly problems: SuiteProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.at ? `${p.at}: ` : ""}${p.message}`).join("\n"));
    this.name = "SuiteError";
  }
}

export interface LoadedSuite {
  suite: Suite;
  /** Content hash of the normalised suite: results point at it. */
  version: string;
  /** The normalised suite as stored. */
  json: string;
}

type Path = (string | number)[];

const pathText = (path: Path) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

/** The closest node that exists along a path (a missing key is reported at its parent). */
function locate(doc: Document, path: Path): Node | null {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && typeof node === "object" && "range" in node && node.range) return node;
  }
  return (doc.contents as Node | null) ?? null;
}

/**
 * A schema problem in words. Unknown keys are named when they look like a misspelt field, and not otherwise: a file
 * that is not a suite at all (a password file given by mistake) must not have its content printed back.
 */
function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code !== "unrecognized_keys") return i.message;
  const keys = i.keys;
  const fieldLike = keys.every((k) => /^[A-Za-z_][\w.-]{0,39}$/.test(k));
  if (fieldLike) return `unknown key${keys.length === 1 ? "" : "s"} ${keys.map((k) => `"${k}"`).join(", ")} (a misspelling?)`;
  return `${keys.length} unknown key${keys.length === 1 ? "" : "s"} that do not look like suite fields (not shown); is this a suite file?`;
}

/**
 * The schema check, bounded: zod recurses per nested value, so a pathological document (a million items, nesting
 * thousands deep) can overflow the stack; that is reported as a message, not a crash.
 */
function safeParseSuite(raw: unknown): ReturnType<typeof suiteSchema.safeParse> | "too-deep" {
  try {
    return suiteSchema.safeParse(raw);
  } catch (err) {
    if (err instanceof RangeError) return "too-deep";
    throw err;
  }
}

/** Parses, validates and normalises suite text. Throws SuiteError listing every problem found, each located. */
export function parseSuite(file: string, text: string): LoadedSuite {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false });
  const at = (path: Path, message: string): SuiteProblem => {
    const node = locate(doc, path);
    const pos = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file, line: pos.line, column: pos.col, at: pathText(path), message };
  };
  if (doc.errors.length > 0) {
    throw new SuiteError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        // The parser's own recursion limit, hit by pathological nesting, is said as what it is.
        const message = /Maximum call stack/.test(e.message) ? "is nested too deeply to parse" : e.message.split("\n")[0]!;
        return { file, line: pos.line, column: pos.col, at: "", message };
      }),
    );
  }
  try {
    checkAliases(file, doc, lineCounter);
  } catch (err) {
    const e = err as InputError;
    throw new SuiteError([{ file, line: e.line ?? 1, column: e.column ?? 1, at: "", message: e.detail }]);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 10_000 });
  } catch (err) {
    // The library's own guard (an alias expanding to too much data), or its recursion limit: a message, not a crash.
    const message = err instanceof RangeError ? "is nested too deeply to parse" : (err as Error).message.split("\n")[0]!;
    throw new SuiteError([{ file, line: 1, column: 1, at: "", message }]);
  }
  const parsed = safeParseSuite(raw);
  if (parsed === "too-deep") throw new SuiteError([{ file, line: 1, column: 1, at: "", message: "is too large or too deeply nested to check" }]);
  if (!parsed.success) {
    throw new SuiteError(parsed.error.issues.map((i: z.core.$ZodIssue) => at(i.path as Path, issueMessage(i))));
  }
  const problems = checkReferences(parsed.data, at);
  if (problems.length > 0) throw new SuiteError(problems);
  const suite = normalise(parsed.data);
  const json = canonicalJson(suite);
  return { suite, version: createHash("sha256").update(json).digest("hex").slice(0, 16), json };
}

/** Inputs larger than this are parsed in a worker thread (see suiteWorker.ts). */
export const OFF_THREAD_SUITE_CHARS = 256 * 1024;

/** parseSuite, in a worker thread for large inputs, so the calling thread stays responsive. */
export async function parseSuiteOffThread(name: string, text: string): Promise<LoadedSuite> {
  if (text.length <= OFF_THREAD_SUITE_CHARS) return parseSuite(name, text);
  const { Worker } = await import("node:worker_threads");
  const answer = await new Promise<{ ok: true; loaded: LoadedSuite } | { ok: false; problems: SuiteProblem[] }>((resolve, reject) => {
    const worker = new Worker(new URL("./suiteWorker.js", import.meta.url), { workerData: { name, text } });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  if (!answer.ok) throw new SuiteError(answer.problems);
  return answer.loaded;
}

export async function loadSuiteFile(path: string): Promise<LoadedSuite> {
  const text = decodeUtf8(path, await readBounded(path, "suite"));
  return parseSuiteOffThread(path, text);
}

type Parsed = z.output<typeof suiteSchema>;

/** Checks the format cannot express: unique ids, references between scorers, choice items complete. */
function checkReferences(s: Parsed, at: (path: Path, message: string) => SuiteProblem): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const dupes = <T extends { id: string }>(list: T[], base: Path) => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(x.id)) problems.push(at([...base, i, "id"], `duplicate id "${x.id}"`));
      seen.add(x.id);
    });
  };
  dupes(s.traits, ["traits"]);
  if (s.defaults?.contexts) dupes(s.defaults.contexts, ["defaults", "contexts"]);
  s.traits.forEach((t, ti) => {
    const base: Path = ["traits", ti];
    dupes(t.items, [...base, "items"]);
    if (t.contexts) dupes(t.contexts, [...base, "contexts"]);
    const names = new Map<string, number>();
    t.scorers.forEach((sc, si) => {
      if (names.has(sc.name)) problems.push(at([...base, "scorers", si, "name"], `duplicate scorer name "${sc.name}"`));
      const draft = { samplingMode: t.sampling?.mode ?? s.defaults?.sampling?.mode ?? "generate", items: t.items, earlier: new Set(names.keys()) };
      for (const p of scorerKind(sc.kind).check?.(sc as never, draft, si) ?? []) problems.push(at([...base, ...p.path], p.message));
      names.set(sc.name, si);
    });
    if (!names.has(t.score)) problems.push(at([...base, "score"], `"${t.score}" is not one of this trait's scorers`));
  });
  return problems;
}

function normalise(s: Parsed): Suite {
  const traits: Trait[] = s.traits.map((t) => ({
    ...t,
    contexts: t.contexts ?? s.defaults?.contexts ?? [NO_SYSTEM_PROMPT],
    sampling: samplingSchema.parse({ ...(s.defaults?.sampling ?? {}), ...(t.sampling ?? {}) }),
  }));
  const suite: Suite = { id: s.id, name: s.name, description: s.description, traits };
  if (s.license !== undefined) suite.license = s.license;
  if (s.source !== undefined) suite.source = s.source;
  if (s.judgeModel !== undefined) suite.judgeModel = s.judgeModel;
  return suite;
}

/** JSON with sorted keys: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}
