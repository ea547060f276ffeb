// The probing commands a researcher types: suites, doctor.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { freePort } from "../../main/core/backends/serveCommand.js";
import { fixture, needsFixture, PROJECT_ROOT } from "../support/sharedFixtures.js";
import { cli } from "../support/cli.js";
import { goneWithin } from "../support/processes.js";
import { startStandIn } from "../support/standInServer.js";
import { tempDir } from "../support/tmp.js";


test("suites list shows the built-ins; validate locates errors; show describes a suite", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const list = JSON.parse((await cli(["suites", "list", "--json", "--db", db])).stdout) as { id: string; where: string; traits: string[] }[];
  assert.deepEqual(list.filter((s) => s.where === "built-in").map((s) => s.id), ["inoculation", "motivations"]);
  const bad = join(PROJECT_ROOT, "test", "fixtures", "bad-suites", "bad-score-ref.yaml");
  const v = await cli(["suites", "validate", bad, "--db", db]);
  assert.equal(v.status, 2, "a malformed suite is the user's input: exit 2");
  assert.match(v.stderr, new RegExp(`${bad}:10:\\d+: traits\\[0\\]\\.score`));
  const ok = await cli(["suites", "validate", join(PROJECT_ROOT, "assets", "suites", "motivations.yaml"), "--json", "--db", db]);
  assert.equal(ok.status, 0);
  assert.equal(JSON.parse(ok.stdout).valid, true);
  const show = await cli(["suites", "show", "inoculation", "--db", db]);
  assert.match(show.stdout, /emergent_misalignment\s+unwanted_out_of_distribution/);
});

test("suites import --out writes a suite file that validates and is stored in the workspace", { skip: needsFixture("suites/emergent-misalignment/first_plot_questions.yaml") }, async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const out = join(dir, "em.yaml");
  const r = await cli(["suites", "import", fixture("suites/emergent-misalignment/first_plot_questions.yaml"), "--from", "em-yaml", "--out", out, "--samples", "10", "--db", db, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const imported = JSON.parse(r.stdout) as { id: string; version: string };
  const v = JSON.parse((await cli(["suites", "validate", out, "--json", "--db", db])).stdout) as { valid: boolean; version: string };
  assert.equal(v.valid, true);
  assert.equal(v.version, imported.version, "the written file is the same suite version");
  const list = JSON.parse((await cli(["suites", "list", "--json", "--db", db])).stdout) as { id: string }[];
  assert.ok(list.some((s) => s.id === imported.id));
  const wrongFormat = await cli(["suites", "import", fixture("suites/emergent-misalignment/first_plot_questions.yaml"), "--from", "persona-vectors", "--db", db]);
  assert.equal(wrongFormat.status, 2, "a malformed import source is the user's input: exit 2");
  assert.match(wrongFormat.stderr, /first_plot_questions\.yaml/);
});

test("doctor reports capabilities and a verdict, or says clearly that a server is not reachable", async (t) => {
  const dir = tempDir(t);
  const s = await startStandIn({ personality: "ollama" });
  t.after(() => s.close());
  const good = join(dir, "good.yaml");
  writeFileSync(good, `name: ollama-like\nkind: openai\nbaseUrl: ${s.url}\nmodel: stand-in-base\n`);
  const r = await cli(["doctor", "--backend", good, "--json", "--db", join(dir, "first.db")]);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { reachable: boolean; honoursN: boolean; maxTopLogprobs: number; verdict: string };
  assert.deepEqual([report.reachable, report.honoursN, report.maxTopLogprobs], [true, false, 20]);
  assert.match(report.verdict, /^ready/);
  const port = await freePort();
  const down = join(dir, "down.yaml");
  writeFileSync(down, `name: nowhere\nkind: openai\nbaseUrl: http://127.0.0.1:${port}\nretry: { attempts: 1 }\ntimeoutMs: 1000\n`);
  const d = await cli(["doctor", "--backend", down, "--db", join(dir, "w.db")]);
  assert.equal(d.status, 1);
  assert.match(d.stdout, /NOT reachable: network error: ECONNREFUSED/);
  // A backend given once as a file is remembered by name.
  const byName = await cli(["doctor", "--backend", "ollama-like", "--json", "--db", join(dir, "w.db")]);
  assert.equal(byName.status, 1);
  assert.match(byName.stderr, /neither a backend config file nor a known backend name/);
  await cli(["doctor", "--backend", good, "--db", join(dir, "w.db")]);
  const again = await cli(["doctor", "--backend", "ollama-like", "--json", "--db", join(dir, "w.db")]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).backend, "ollama-like");
  const demo = await cli(["doctor", "--backend", "demo", "--db", join(dir, "w.db")]);
  assert.equal(demo.status, 0);
  assert.match(demo.stdout, /miniature/);
});

test("doctor shows a refusal in the server's own words and tells it from a refused parameter", async (t) => {
  const dir = tempDir(t);
  // A server that lists no models and knows none by the name asked (as transformers serve pinned to another path).
  const pinned = await startStandIn({ personality: "vllm", models: [] });
  const tgi = await startStandIn({ personality: "tgi" });
  t.after(() => Promise.all([pinned.close(), tgi.close()]));
  const file = join(dir, "pinned.yaml");
  writeFileSync(file, `name: pinned\nkind: openai\nbaseUrl: ${pinned.url}\nmodel: "{checkpoint}"\nretry: { attempts: 1 }\n`);
  const r = await cli(["doctor", "--backend", file, "--db", join(dir, "w.db")]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /test request refused: HTTP 404: .*The model `\{checkpoint\}` does not exist/);
  assert.doesNotMatch(r.stdout, /top_logprobs: up to 0/, "not read as a server without logprobs");
  assert.match(r.stdout, /verdict: the server refused the model name "\{checkpoint\}": it is a template filled per checkpoint, so test with --checkpoint PATH/);
  // TGI's 422 names the parameter: that is a cap, worked around, with the server's words in the note.
  const capped = join(dir, "tgi.yaml");
  writeFileSync(capped, `name: tgi\nkind: openai\nbaseUrl: ${tgi.url}\nmodel: stand-in-base\n`);
  const c = await cli(["doctor", "--backend", capped, "--db", join(dir, "w.db")]);
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /top_logprobs: up to 5/);
  assert.match(c.stdout, /note: top_logprobs 20 refused: HTTP 422: .*top_n_tokens/);
  // Capped below what judges and choice items ask for: said as a warning, with what it does to the scores.
  assert.match(c.stdout, /warning: top logprobs are capped at 5, below the 20 the scorers ask for: .*choice score is withheld/);
  assert.match(c.stdout, /verdict: usable, with capped top logprobs/);
});

test("doctor tests a serve-command backend on a real checkpoint (started, tested, stopped), and says how without one", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const ckpt = join(dir, "run", "checkpoint-40");
  mkdirSync(ckpt, { recursive: true });
  const script = join(PROJECT_ROOT, "dist", "test", "support", "standInServer.js");
  const file = join(dir, "srv.json");
  writeFileSync(file, JSON.stringify({ name: "per-ckpt", kind: "serve-command", command: `${JSON.stringify(process.execPath)} ${script} --port {port} --model {checkpoint} --personality transformers-serve`, model: "{checkpoint}", startupTimeoutMs: 20000 }));
  const without = await cli(["doctor", "--backend", file, "--db", db]);
  assert.equal(without.status, 1);
  assert.match(without.stdout, /verdict: a serve-command backend starts its server per checkpoint: test it on one with --checkpoint PATH \(or --run RUN --step N\)/);
  const r = await cli(["doctor", "--backend", file, "--checkpoint", ckpt, "--suite", "inoculation", "--json", "--db", db]);
  const report = JSON.parse(r.stdout) as { reachable: boolean; checkpoint: string; models: string[]; honoursN: boolean; maxTopLogprobs: number; verdict: string; warnings: string[] };
  assert.equal(report.reachable, true, r.stdout);
  assert.equal(report.checkpoint, ckpt);
  assert.ok(report.models.includes(ckpt), "the server was started on that checkpoint");
  assert.deepEqual([report.honoursN, report.maxTopLogprobs], [false, 0]);
  // The inoculation suite has a judge and no choice items: usable, its judge sampled.
  assert.match(report.verdict, /judges will be sampled/);
  assert.ok(report.warnings.some((w) => /judges score by sampling/.test(w)));
  assert.ok(!report.warnings.some((w) => /choice_logprob/.test(w)), "no choice items in the suite: no warning about them");
  assert.equal(await goneWithin(ckpt), true, "the server was stopped after the test");
  const bad = await cli(["doctor", "--backend", file, "--checkpoint", join(dir, "nope"), "--db", db]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--checkpoint .*nope: not a folder/);
  const both = await cli(["doctor", "--backend", file, "--checkpoint", ckpt, "--run", "x", "--db", db]);
  assert.equal(both.status, 2);
});
