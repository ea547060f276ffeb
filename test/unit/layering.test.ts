import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { importGraph, layeringViolations } from "../support/layering.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { tempDir } from "../support/tmp.js";

const DIRS = ["main", "shared", "renderer"];

test("the project's imports keep the layers: doors reach the core only through its facade, shared and renderer stay apart", () => {
  const edges = importGraph(PROJECT_ROOT, DIRS);
  assert.ok(edges.length > 200, `the graph was read (${edges.length} imports)`);
  assert.ok(edges.some((e) => e.from === "main/cli/commands/watch.ts"), "CLI files are in the graph");
  assert.deepEqual(layeringViolations(edges), []);
});

test("the layering check fails on each forbidden import of a small fixture tree", (t) => {
  const root = tempDir(t);
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("main/core/index.ts", `export { Core } from "./core.js";\n`);
  write("main/core/core.ts", `import { x } from "../server/server.js";\nexport class Core {}\n`);
  write("main/core/store/store.ts", `export const s = 1;\n`);
  write("main/cli/ok.ts", `import { Core } from "../core/index.js";\n// import { s } from "../core/store/store.js" (a comment is no import)\n`);
  write("main/cli/bad.ts", `import { s } from "../core/store/store.js";\n`);
  write("main/server/server.ts", `export const x = 1;\n`);
  write("main/electron/policy.ts", `import { x } from "../server/server.js";\n`);
  write("renderer/App.tsx", `import { Core } from "../main/core/index.js";\n`);
  write("shared/a.ts", `import { b } from "./b.js";\nexport const a = 1;\n`);
  write("shared/b.ts", `import { a } from "./a.js";\nimport { s } from "../main/core/store/store.js";\nexport const b = 1;\n`);
  const problems = layeringViolations(importGraph(root, DIRS));
  const has = (re: RegExp) => assert.ok(problems.some((p) => re.test(p)), `expected ${re} in:\n${problems.join("\n")}`);
  has(/^main\/cli\/bad\.ts imports main\/core\/store\/store\.ts: main\/cli may import only main\/core\/index\.ts/);
  has(/^main\/core\/core\.ts imports main\/server\/server\.ts: the core must not import main\/server/);
  has(/^main\/electron\/policy\.ts imports main\/server\/server\.ts: the desktop shell must not import serve mode/);
  has(/^renderer\/App\.tsx imports main\/core\/index\.ts: the renderer must not import main/);
  has(/^shared\/b\.ts imports main\/core\/store\/store\.ts: shared\/ must not import/);
  has(/^import cycle in shared\/: shared\/(a|b)\.ts -> shared\/(a|b)\.ts -> shared\/(a|b)\.ts$/);
  assert.ok(!problems.some((p) => p.startsWith("main/cli/ok.ts")), "the facade import and the comment are allowed");
  assert.equal(problems.length, 6, problems.join("\n"));
});
