// readBounded: whole files at every size around its buffer sizes, files whose stat says 0 (/proc), the per-kind
// limit, and the walk's seenRegular shortcut still refusing what is not a regular file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readBounded } from "../../main/core/util/boundedRead.js";
import { tempDir } from "../support/tmp.js";

test("a file is read whole at every size around the buffers' sizes, with or without the look before opening", async (t) => {
  const dir = tempDir(t);
  for (const size of [0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7]) {
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
    const path = join(dir, `f${size}`);
    writeFileSync(path, bytes);
    for (const seenRegular of [false, true]) assert.ok((await readBounded(path, "trainerState", { seenRegular })).equals(bytes), `${size} bytes, seenRegular ${seenRegular}`);
  }
});

test("a file whose stat gives 0 bytes (/proc) is read to its end", { skip: existsSync("/proc/self/status") ? false : "no /proc" }, async () => {
  const text = (await readBounded("/proc/self/status", "marker")).toString("utf8");
  assert.match(text, /^Name:/);
  assert.match(text, /\nPid:\s+\d+\n/);
});

test("the kind's limit holds, naming the file and the variable that raises it", async (t) => {
  const path = join(tempDir(t), "big.json");
  writeFileSync(path, Buffer.alloc(2048, 0x20));
  process.env.DRIFTSCOPE_LIMIT_MARKER = "1024";
  try {
    await assert.rejects(readBounded(path, "marker"), (e: Error) => e.message.includes(path) && e.message.includes("DRIFTSCOPE_LIMIT_MARKER"));
  } finally {
    delete process.env.DRIFTSCOPE_LIMIT_MARKER;
  }
});

test("seenRegular skips only the look: a folder or FIFO in a file's place is still refused, without blocking", async (t) => {
  const dir = tempDir(t);
  await assert.rejects(readBounded(dir, "marker", { seenRegular: true }), /is a folder|not a regular file|EISDIR|is a folder, not a file/);
  const fifo = join(dir, "pipe");
  if (spawnSync("mkfifo", [fifo]).status !== 0) return t.skip("mkfifo is not available");
  await assert.rejects(readBounded(fifo, "marker", { seenRegular: true }), /FIFO \(named pipe\), not a regular file/);
});
