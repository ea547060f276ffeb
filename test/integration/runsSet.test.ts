// `driftscope runs set` sets how a run is probed, as the app's run form does (the same named operation): suites,
// backend and judge by name, every k-th, latest only, thresholds and the folder's format; a later watch probes with
// them, and mistakes are refused with the flag or the name at fault, changing nothing.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { cli, cliJson } from "../support/cli.js";
import { tempDir } from "../support/tmp.js";

test("runs set --suite --backend --every --threshold --format, then a watch probes with them", { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  assert.equal((await cli(["demo", "--dir", join(dir, "d"), "--steps", "60", "--save-every", "20", "--variant", "baseline", "--pace", "fast"])).status, 0);
  const folder = join(dir, "d", "baseline");
  assert.equal((await cli(["watch", folder, "--once", "--db", db, "--name", "arm", "--quiet-period", "0"])).status, 0);
  assert.deepEqual((await cliJson<{ state: string }[]>(["checkpoints", "arm", "--json", "--db", db])).map((c) => c.state), ["pending", "pending", "pending"], "not probed: no suites yet");

  const set = await cli(["runs", "set", "arm", "--suite", "inoculation", "--backend", "demo", "--every", "2", "--threshold", "caps.threshold=0.4", "--format", "hf", "--json", "--db", db]);
  assert.equal(set.status, 0, set.stderr);
  const out = JSON.parse(set.stdout) as { format: string; probing: { suites: string[]; backend: string; judge: string | null; every: number; latestOnly: boolean; thresholds: Record<string, number> } };
  assert.equal(out.format, "hf");
  assert.deepEqual({ ...out.probing, suites: out.probing.suites.map((s) => s.split("@")[0]) }, { suites: ["inoculation"], backend: "demo", judge: "demo", every: 2, latestOnly: false, thresholds: { "caps.threshold": 0.4 } });

  // `runs set` itself probes nothing (it starts no watching of its own)…
  assert.deepEqual((await cliJson<{ state: string }[]>(["checkpoints", "arm", "--json", "--db", db])).map((c) => c.state), ["pending", "pending", "pending"]);
  // …every second checkpoint (by step order: the 2nd, 4th…) is probed by the next watch.
  assert.equal((await cli(["watch", folder, "--once", "--db", db, "--quiet-period", "0"])).status, 0);
  const states = await cliJson<{ step: number; state: string }[]>(["checkpoints", "arm", "--json", "--db", db]);
  assert.deepEqual(states.map((c) => [c.step, c.state]), [[20, "pending"], [40, "done"], [60, "pending"]]);

  // A later change keeps what it does not name; --threshold adds to the overrides.
  const more = await cli(["runs", "set", "arm", "--latest-only", "--threshold", "other.threshold=2", "--json", "--db", db]);
  assert.equal(more.status, 0, more.stderr);
  const p = (JSON.parse(more.stdout) as typeof out).probing;
  assert.equal(p.backend, "demo");
  assert.equal(p.every, 2);
  assert.equal(p.latestOnly, true);
  assert.deepEqual(p.thresholds, { "caps.threshold": 0.4, "other.threshold": 2 });

  for (const [args, pattern] of [
    [["--suite", "no-such-suite"], /no-such-suite/],
    [["--backend", "no-such-backend"], /no-such-backend/],
    [["--backend", join(dir, "backend.yaml")], /backend/],
    [["--judge", "demo", "--no-judge"], /--judge and --no-judge/],
    [["--every", "0"], /--every/],
    [["--format", "tarball"], /--format/],
    [["--threshold", "x"], /threshold/],
  ] as const) {
    const r = await cli(["runs", "set", "arm", ...args, "--db", db]);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(" "));
  }
  const after = await cliJson<{ name: string; probing?: unknown }[]>(["runs", "--json", "--db", db]);
  assert.equal(after.length, 1);
});
