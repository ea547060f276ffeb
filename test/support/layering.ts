// The layering rules of DESIGN section 2, checked over the real TypeScript import graph (TypeScript's own
// pre-processor finds each file's imports, so comments and strings cannot fool it).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export interface Edge {
  from: string;
  to: string;
}

const SOURCE = /\.(ts|tsx|cts|mts)$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (SOURCE.test(e.name)) out.push(full);
  }
  return out;
}

/** Every relative import between the project's own files under `dirs`, as root-relative paths with "/" separators. */
export function importGraph(root: string, dirs: string[]): Edge[] {
  const rel = (p: string) => relative(root, p).split(sep).join("/");
  const edges: Edge[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = walk(join(root, dir));
    } catch {
      continue; // a folder the fixture does not have
    }
    for (const file of files) {
      const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
      for (const ref of info.importedFiles) {
        if (!ref.fileName.startsWith(".")) continue; // a package
        const target = resolve(dirname(file), ref.fileName).replace(/\.(c|m)?js$/, (m) => m.replace("js", "ts"));
        edges.push({ from: rel(file), to: rel(target).replace(/\.ts$/, ".ts") });
      }
    }
  }
  return edges;
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);
const DOORS = ["main/cli", "main/electron", "main/server"];

/** The imports that break a rule, each with the rule it breaks. */
export function layeringViolations(edges: Edge[]): string[] {
  const problems: string[] = [];
  for (const { from, to } of edges) {
    const door = DOORS.find((d) => under(from, d));
    if (door && under(to, "main/core") && !/^main\/core\/index\.(ts|tsx)$/.test(to)) problems.push(`${from} imports ${to}: ${door} may import only main/core/index.ts from the core`);
    if (under(from, "main/core")) {
      for (const d of [...DOORS, "renderer"]) if (under(to, d)) problems.push(`${from} imports ${to}: the core must not import ${d}`);
    }
    if (under(from, "renderer") && under(to, "main")) problems.push(`${from} imports ${to}: the renderer must not import main/`);
    if (under(from, "shared") && (under(to, "main") || under(to, "renderer"))) problems.push(`${from} imports ${to}: shared/ must not import main/ or renderer/`);
    if (under(from, "main/electron") && under(to, "main/server")) problems.push(`${from} imports ${to}: the desktop shell must not import serve mode`);
  }
  problems.push(...cycles(edges.filter((e) => under(e.from, "shared") && under(e.to, "shared"))).map((c) => `import cycle in shared/: ${c.join(" -> ")}`));
  return problems;
}

/** Each cycle once, found by depth-first search (the graphs here are small). */
function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const found = new Map<string, string[]>();
  const stack: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (n: string) => {
    state.set(n, "open");
    stack.push(n);
    for (const m of next.get(n) ?? []) {
      if (state.get(m) === "open") {
        const cycle = [...stack.slice(stack.indexOf(m)), m];
        found.set([...cycle].sort().join("|"), cycle);
      } else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of next.keys()) if (!state.has(n)) visit(n);
  return [...found.values()];
}
