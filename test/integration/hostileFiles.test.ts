// A hostile-input corpus, generated here: suite files, import sources, backend files and run folders that a
// careless or hostile machine could hand Driftscope. For each: the expected clear error (or warning), no crash, no
// stack trace, no hang past the bound, peak memory under the bound, and what was stored before left as it was.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { boundedCli, type BoundedRun } from "../support/boundedCli.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { cliJson } from "../support/cli.js";

const TIME_BOUND_MS = 15_000;
const MEMORY_BOUND_MB = 600;

interface Case {
  name: string;
  args: (dir: string) => string[];
  setup?: (dir: string) => void;
  env?: NodeJS.ProcessEnv;
  status: number[];
  expect: RegExp;
  /** Text that must not appear in the output (file content that must not be echoed). */
  never?: RegExp;
}

const tally = { tried: 0, crashes: 0, hangs: 0, overMemory: 0, dataLost: 0 };

function judge(c: Case, r: BoundedRun): void {
  tally.tried++;
  if (r.timedOut) tally.hangs++;
  if (r.signal || (r.status !== null && r.status > 2) || /\n\s+at .*\(|RangeError|TypeError|Maximum call stack/.test(r.stderr)) tally.crashes++;
  if (r.peakMb !== null && r.peakMb > MEMORY_BOUND_MB) tally.overMemory++;
  assert.equal(r.timedOut, false, `${c.name}: hung past ${TIME_BOUND_MS} ms`);
  assert.ok(r.status !== null && c.status.includes(r.status), `${c.name}: exit ${r.status} (${r.signal}), expected ${c.status.join("|")}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at [^\n]*:\d+:\d+\)?/, `${c.name}: a stack trace\n${r.stderr}`);
  assert.match(r.stderr + r.stdout, c.expect, `${c.name}: expected ${c.expect}\n${r.stderr}`);
  if (c.never) assert.doesNotMatch(r.stderr + r.stdout, c.never, `${c.name}: echoed file content`);
  assert.ok(r.peakMb !== null && r.peakMb < MEMORY_BOUND_MB, `${c.name}: peak ${r.peakMb} MB`);
}

function fifo(path: string): void {
  execFileSync("mkfifo", [path]);
}

async function socketFile(path: string): Promise<() => void> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(path, r));
  return () => srv.close();
}

const SUITE_HEAD = "id: s\nname: S\ntraits:\n";
const TRAIT = (extra = "") => `  - id: t\n    name: T\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n${extra}`;

function suiteCases(): Case[] {
  const v = (name: string, setup: (file: string) => void, expect: RegExp, extra: Partial<Case> = {}): Case => ({
    name: `suite: ${name}`,
    setup: (dir) => setup(join(dir, `suite-${name.replace(/\W+/g, "-")}`)),
    args: (dir) => ["suites", "validate", join(dir, `suite-${name.replace(/\W+/g, "-")}`), "--db", join(dir, "w.db")],
    status: [2],
    expect,
    ...extra,
  });
  return [
    v("/dev/zero", (f) => symlinkSync("/dev/zero", f), /is a device, not a regular file; it was not read/),
    v("/dev/urandom", (f) => symlinkSync("/dev/urandom", f), /is a device, not a regular file/),
    v("a FIFO", (f) => fifo(f), /is a FIFO \(named pipe\), not a regular file/),
    v("a folder", (f) => mkdirSync(f), /is a folder, not a regular file/),
    v("a link loop", (f) => (symlinkSync(`${f}.b`, f), symlinkSync(f, `${f}.b`)), /too many symbolic links/),
    v("missing", () => undefined, /no such file/),
    v("empty", (f) => writeFileSync(f, ""), /:1:1: .*expected object/),
    v("invalid UTF-8", (f) => writeFileSync(f, Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a])), /not valid UTF-8 text \(bad byte near offset 4\)/),
    v("over the size limit", (f) => writeFileSync(f, `${SUITE_HEAD}${TRAIT()}#${"x".repeat(2 * 2 ** 20)}\n`), /over the 1\.0 MiB limit for a suite/, { env: { DRIFTSCOPE_LIMIT_SUITE: String(2 ** 20) } }),
    v("JSON nested 100,000 deep", (f) => writeFileSync(f, `${"[".repeat(100_000)}${"]".repeat(100_000)}`), /:1:\d+: .*(expected object|too large or too deeply nested|nested too deeply to parse)/),
    v("YAML flow nested 20,000 deep", (f) => writeFileSync(f, `id: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`), /:\d+:\d+:/),
    v("300,000 items", (f) => writeFileSync(f, `${SUITE_HEAD}  - id: t\n    name: T\n    polarity: higher_is_trait\n    role: control\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n    items:\n${Array.from({ length: 300_000 }, (_, i) => `      - { id: q${i}, prompt: p, bogus: 1 }`).join("\n")}\n`), /over the 2\.0 MiB limit for a suite/),
    v("billion laughs", (f) => writeFileSync(f, `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n`), /:\d+:\d+: .*(alias|Excessive)/i),
    v("merge-key bomb", (f) => writeFileSync(f, `a: &a {x: 1, y: 2}\n${Array.from({ length: 30 }, (_, i) => `k${i}: &k${i} {<<: [*${i === 0 ? "a" : `k${i - 1}`}, *${i === 0 ? "a" : `k${i - 1}`}], z${i}: 1}`).join("\n")}\n`), /:\d+:\d+:/),
    v("5,000 aliases", (f) => writeFileSync(f, `x: &x 1\nl:\n${"  - *x\n".repeat(5000)}`), /more than 1000 YAML aliases/),
    v("a __proto__ key", (f) => writeFileSync(f, `{"id":"s","name":"S","__proto__":{"polluted":true},"traits":[]}`), /:\d+:\d+: .*(__proto__|Unrecognized key|traits)/),
    v("duplicate keys", (f) => writeFileSync(f, `id: s\nid: t\nname: S\ntraits: []\n`), /:2:\d+: .*[Mm]ap keys must be unique/),
    v("tabs for indentation", (f) => writeFileSync(f, `id: s\nname: S\ntraits:\n\t- id: t\n`), /:\d+:\d+:/),
    v("NUL bytes", (f) => writeFileSync(f, `id: s\0\0\0\nname: S\n`), /:\d+:\d+:/),
    v("a 10 MB line", (f) => writeFileSync(f, `${SUITE_HEAD}${TRAIT()}description: ${"y".repeat(10 * 2 ** 20)}\n`), /over the 2\.0 MiB limit for a suite/),
    v("a negative sample count", (f) => writeFileSync(f, `${SUITE_HEAD}${TRAIT("    sampling: { samplesPerItem: -3 }\n")}`), /traits\[0\]\.sampling\.samplesPerItem/),
    v("a password file", (f) => writeFileSync(f, "root:$6$secretsaltXYZ$hashhashhash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"), /:1:1: id: Invalid input[\s\S]*do not look like suite fields \(not shown\)/, { never: /secretsaltXYZ|hashhashhash/ }),
    v("UTF-16 with a byte-order mark", (f) => writeFileSync(f, Buffer.from("\ufeffid: s\n", "utf16le")), /not valid UTF-8|:\d+:\d+:/),
    v("an unknown scorer kind", (f) => writeFileSync(f, SUITE_HEAD + TRAIT().replace("kind: caps_ratio", "kind: telepathy")), /traits\[0\]\.scorers\[0\]\.kind/),
    v("a judge template without {answer}", (f) => writeFileSync(f, SUITE_HEAD + TRAIT().replace("[{ kind: caps_ratio, name: c }]", "[{ kind: judge_0_100, name: c, template: 'Rate {question}' }]")), /a judge template needs \{answer\}/),
    v("an invalid pattern regex", (f) => writeFileSync(f, SUITE_HEAD + TRAIT().replace("[{ kind: caps_ratio, name: c }]", "[{ kind: pattern, name: c, regex: '(unclosed' }]")), /invalid regular expression/),
  ];
}

function importCases(): Case[] {
  const c = (name: string, format: string, setup: (file: string) => void, expect: RegExp, extra: Partial<Case> = {}): Case => ({
    name: `import ${format}: ${name}`,
    setup: (dir) => setup(join(dir, `import-${format}-${name.replace(/\W+/g, "-")}`)),
    args: (dir) => ["suites", "import", join(dir, `import-${format}-${name.replace(/\W+/g, "-")}`), "--from", format, "--db", join(dir, "w.db")],
    status: [2],
    expect,
    ...extra,
  });
  return [
    c("/dev/zero", "anthropic-evals", (f) => symlinkSync("/dev/zero", f), /is a device/),
    c("/dev/zero", "persona-vectors", (f) => symlinkSync("/dev/zero", f), /is a device/),
    c("/dev/zero", "em-yaml", (f) => symlinkSync("/dev/zero", f), /is a device/),
    c("a FIFO", "em-yaml", (f) => fifo(f), /is a FIFO/),
    c("a folder", "anthropic-evals", (f) => mkdirSync(f), /is a folder/),
    c("a bad line", "anthropic-evals", (f) => writeFileSync(f, `{"question":"q1","answer_matching_behavior":" Yes","answer_not_matching_behavior":" No"}\n{not json\n`), /:2:\d*:? ?.*(JSON|unexpected|expected)/i),
    // A __proto__ key is an ordinary unknown key (JSON.parse makes it an own property): ignored, nothing polluted.
    c("a __proto__ key", "persona-vectors", (f) => writeFileSync(f, `{"__proto__":{"polluted":1},"instruction":[],"questions":["q"],"eval_prompt":"{question} {answer}"}`), /imported "[^"]+" version/, { status: [0] }),
    c("missing fields", "persona-vectors", (f) => writeFileSync(f, `{"questions": 3}`), /import-persona-vectors[^\n]*: /),
    c("an alias bomb", "em-yaml", (f) => writeFileSync(f, `- &q {id: a, paraphrases: [x]}\n${"- *q\n".repeat(3000)}`), /more than 1000 YAML aliases/),
    c("a line that is a list", "anthropic-evals", (f) => writeFileSync(f, `[1, 2, 3]\n`), /import-anthropic-evals-a-line-that-is-a-list:1/),
    c("not a list", "em-yaml", (f) => writeFileSync(f, "a: 1\n"), /expected a list of questions/),
    c("binary", "em-yaml", (f) => writeFileSync(f, Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x81])), /not valid UTF-8/),
    c("over the size limit", "anthropic-evals", (f) => writeFileSync(f, "x".repeat(3 * 2 ** 20)), /over the 1\.0 MiB limit for a import source|over the 1\.0 MiB limit/, { env: { DRIFTSCOPE_LIMIT_IMPORT_SOURCE: String(2 ** 20) } }),
  ];
}

function backendCases(): Case[] {
  const b = (name: string, setup: (file: string) => void, expect: RegExp): Case => ({
    name: `backend file: ${name}`,
    setup: (dir) => setup(join(dir, `backend-${name.replace(/\W+/g, "-")}.yaml`)),
    args: (dir) => ["doctor", "--backend", join(dir, `backend-${name.replace(/\W+/g, "-")}.yaml`), "--db", join(dir, "w.db")],
    status: [1, 2],
    expect,
  });
  return [
    b("/dev/zero", (f) => symlinkSync("/dev/zero", f), /is a device/),
    b("a FIFO", (f) => fifo(f), /is a FIFO/),
    b("invalid YAML", (f) => writeFileSync(f, "name: [unclosed\n"), /backend-invalid-YAML\.yaml/),
    b("an empty file", (f) => writeFileSync(f, ""), /backend-an-empty-file\.yaml/),
    b("an unknown kind", (f) => writeFileSync(f, "name: x\nkind: quantum\n"), /kind/),
    b("a URL that is not one", (f) => writeFileSync(f, "name: x\nkind: openai\nbaseUrl: not a url\n"), /baseUrl/),
  ];
}

describe("hostile files", () => {
  let dir: string;
  let closeSocket: (() => void) | null = null;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "driftscope-hostile-"));
  });
  after(() => {
    closeSocket?.();
    rmSync(dir, { recursive: true, force: true });
    console.log(`hostile-input corpus: ${tally.tried} inputs tried, ${tally.crashes} crashes, ${tally.hangs} hangs, ${tally.overMemory} over ${MEMORY_BOUND_MB} MB, ${tally.dataLost} with data lost`);
  });

  const all = [...suiteCases(), ...importCases(), ...backendCases()];
  test(`${all.length} suite, import and backend files: clear errors, exit 2 (1 for doctor), within bounds`, { timeout: 300_000 }, async () => {
    const sock = join(dir, "suite-a-socket");
    closeSocket = await socketFile(sock);
    all.push({ name: "suite: a socket", args: (d) => ["suites", "validate", sock, "--db", join(d, "w.db")], status: [2], expect: /is a socket, not a regular file/ });
    for (const c of all) c.setup?.(dir);
    // Two at a time: the machine has two cores.
    for (let i = 0; i < all.length; i += 2) {
      const batch = all.slice(i, i + 2);
      const results = await Promise.all(batch.map((c) => boundedCli(c.args(dir), { env: c.env, timeoutMs: TIME_BOUND_MS })));
      batch.forEach((c, j) => judge(c, results[j]!));
    }
  });

  test("hostile run folders: reported, never walked into or read past their bounds; earlier data unchanged", { timeout: 300_000 }, async () => {
    const db = join(dir, "runs.db");
    const cases: { name: string; make: (root: string) => void; expect: RegExp; env?: NodeJS.ProcessEnv }[] = [
      { name: "trainer_state.json is a FIFO", make: (r) => (writeFilesNow(join(r, "checkpoint-20"), hfCheckpointFiles(20, "full").filter((f) => f.name !== "trainer_state.json")), fifo(join(r, "checkpoint-20", "trainer_state.json"))), expect: /trainer_state\.json: is a FIFO/ },
      { name: "trainer_state.json is /dev/zero", make: (r) => (writeFilesNow(join(r, "checkpoint-20"), hfCheckpointFiles(20, "full").filter((f) => f.name !== "trainer_state.json")), symlinkSync("/dev/zero", join(r, "checkpoint-20", "trainer_state.json"))), expect: /trainer_state\.json: (is a device|is a link to \/dev\/zero)/ },
      { name: "trainer_state.json is a folder", make: (r) => (writeFilesNow(join(r, "checkpoint-20"), hfCheckpointFiles(20, "full").filter((f) => f.name !== "trainer_state.json")), mkdirSync(join(r, "checkpoint-20", "trainer_state.json"))), expect: /checkpoint-20: checkpoint is not complete: trainer_state\.json not written yet|trainer_state\.json/ },
      { name: "trainer_state.json over its limit", env: { DRIFTSCOPE_LIMIT_TRAINER_STATE: "2000" }, make: (r) => writeFilesNow(join(r, "checkpoint-20"), hfCheckpointFiles(20, "full", Array.from({ length: 100 }, (_, i) => ({ step: i + 1, loss: 1 })))), expect: /over the 2000 bytes limit for a trainer state|over the 2\.0 KiB limit for a trainer state/ },
      { name: "a checkpoint linked to /", make: (r) => symlinkSync("/", join(r, "checkpoint-20")), expect: /checkpoint-20: is a link to \/, outside the run folder; not followed/ },
      { name: "a link loop inside a checkpoint", make: (r) => (writeFilesNow(join(r, "checkpoint-20"), hfCheckpointFiles(20, "full")), symlinkSync(join(r, "checkpoint-20", "loop-b"), join(r, "checkpoint-20", "loop-a")), symlinkSync(join(r, "checkpoint-20", "loop-a"), join(r, "checkpoint-20", "loop-b"))), expect: /loop-a: (symbolic link loop|.*ELOOP)/ },
      { name: "a file linked out of the run folder", make: (r) => (writeFilesNow(join(r, "checkpoint-20"), hfCheckpointFiles(20, "full")), symlinkSync("/etc/hostname", join(r, "checkpoint-20", "extra.txt"))), expect: /extra\.txt: is a link to \/etc\/hostname, outside the run folder/ },
      { name: "a step beyond the safe integers", make: (r) => writeFilesNow(join(r, "checkpoint-99999999999999999999999"), hfCheckpointFiles(20, "full")), expect: /step 99999999999999999999999 is too large to be a step number; ignored/ },
      { name: "negative safetensors offsets", make: (r) => withWeights(r, safetensors({ w: { dtype: "F32", shape: [2], data_offsets: [-8, 0] } }, 0)), expect: /data_offsets must be whole numbers 0 <= begin <= end/ },
      { name: "a safetensors header length of 2^40", make: (r) => withWeights(r, lyingLength(2 ** 40)), expect: /header length \d+ exceeds the format's limit/ },
      { name: "a 50 MB safetensors header", env: { DRIFTSCOPE_LIMIT_SAFETENSORS_HEADER: String(2 ** 20) }, make: (r) => withWeights(r, lyingLength(50 * 2 ** 20, 64)), expect: /over the 1\.0 MiB limit for a safetensors header/ },
      { name: "full-length zero-filled weights", make: (r) => withWeights(r, Buffer.alloc(4096)), expect: /header length is 0 \(file not written yet\)/ },
      { name: "a metrics.jsonl that is /dev/zero", make: (r) => symlinkSync("/dev/zero", join(r, "metrics.jsonl")), expect: /metrics\.jsonl: is a link to \/dev\/zero, outside the run folder; not followed .*; not read/ },
      { name: "a metrics.jsonl that is a FIFO", make: (r) => fifo(join(r, "metrics.jsonl")), expect: /metrics\.jsonl: is a FIFO \(named pipe\), not a regular file; not read/ },
      { name: "a TensorBoard file that is a FIFO", make: (r) => (mkdirSync(join(r, "runs"), { recursive: true }), fifo(join(r, "runs", "events.out.tfevents.1.host.1.0"))), expect: /events\.out\.tfevents\.1\.host\.1\.0: is a FIFO/ },
    ];
    for (const [i, c] of cases.entries()) {
      const root = join(dir, `run-${i}`);
      writeFilesNow(join(root, "checkpoint-10"), hfCheckpointFiles(10, "full", [{ step: 10, reward: 0.5 }]));
      const first = await boundedCli(["watch", root, "--once", "--quiet-period", "0", "--name", `run-${i}`, "--db", db], { timeoutMs: TIME_BOUND_MS });
      assert.equal(first.status, 0, first.stderr);
      const before = await cliJson<unknown[]>(["checkpoints", `run-${i}`, "--json", "--db", db]);
      const metricsBefore = await cliJson<unknown[]>(["metrics", `run-${i}`, "--json", "--db", db]);
      c.make(root);
      const r = await boundedCli(["watch", root, "--once", "--quiet-period", "0", "--db", db], { timeoutMs: TIME_BOUND_MS, env: { ...c.env } });
      judge({ name: `run folder: ${c.name}`, args: () => [], status: [0], expect: c.expect }, r);
      const after = await cliJson<{ step: number; state: string }[]>(["checkpoints", `run-${i}`, "--json", "--db", db]);
      const kept = (before as { step: number; state: string; completedAt: string }[]).every((b) => after.some((a) => a.step === b.step && a.state === b.state));
      const metricsAfter = await cliJson<unknown[]>(["metrics", `run-${i}`, "--json", "--db", db]);
      if (!kept || metricsAfter.length < metricsBefore.length) tally.dataLost++;
      assert.ok(kept, `${c.name}: the earlier checkpoint changed: ${JSON.stringify(after)}`);
      assert.ok(metricsAfter.length >= metricsBefore.length, `${c.name}: metrics were lost`);
      assert.ok(!after.some((a) => a.step === 20 && a.state === "pending"), `${c.name}: the bad checkpoint counted as complete`);
    }
    assert.equal(tally.crashes + tally.hangs + tally.overMemory + tally.dataLost, 0);
    assert.ok(tally.tried >= 60, `${tally.tried} inputs`);
  });
});

/** A complete Trainer checkpoint at step 20 whose model.safetensors holds the given bytes. */
function withWeights(root: string, bytes: Buffer): void {
  writeFilesNow(join(root, "checkpoint-20"), hfCheckpointFiles(20, "full"));
  writeFileSync(join(root, "checkpoint-20", "model.safetensors"), bytes);
}

/** A safetensors file whose header says what the test wants. */
function safetensors(tensors: Record<string, unknown>, dataBytes: number): Buffer {
  const header = Buffer.from(JSON.stringify(tensors));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header, Buffer.alloc(dataBytes)]);
}

/** A file whose first 8 bytes claim a header of `claimed` bytes, followed by `actual` bytes of "{". */
function lyingLength(claimed: number, actual = 16): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(claimed));
  return Buffer.concat([len, Buffer.alloc(Math.min(actual, claimed), 0x7b)]);
}

