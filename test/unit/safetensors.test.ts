import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { encodeSafetensors } from "../../main/core/demo/safetensorsWriter.js";
import { checkSafetensors } from "../../main/core/runs/safetensors.js";
import { fixture, needsFixture } from "../support/sharedFixtures.js";
import { tempDir } from "../support/tmp.js";

const ADAPTER = "hf-trainer-lora/adapter_model.safetensors";

test("reads the header of a real PEFT adapter", { skip: needsFixture(ADAPTER) }, async () => {
  const v = await checkSafetensors(fixture(ADAPTER));
  assert.ok(v.ok, v.ok ? "" : v.reason);
  assert.equal(v.header.headerLength, 3840);
  assert.deepEqual(v.header.metadata, { format: "pt" });
  const tensors = Object.values(v.header.tensors);
  assert.equal(tensors.length, 28);
  assert.ok(tensors.every((t) => t.dtype === "F32"));
  assert.equal(v.header.expectedSize, readFileSync(fixture(ADAPTER)).length);
});

test("a real file cut short, or grown, is not whole", { skip: needsFixture(ADAPTER) }, async (t) => {
  const dir = tempDir(t);
  const bytes = readFileSync(fixture(ADAPTER));
  const short = join(dir, "short.safetensors");
  writeFileSync(short, bytes.subarray(0, bytes.length - 1));
  const v1 = await checkSafetensors(short);
  assert.ok(!v1.ok && v1.reason.includes("differs"));
  const headerOnly = join(dir, "header.safetensors");
  writeFileSync(headerOnly, bytes.subarray(0, 100));
  const v2 = await checkSafetensors(headerOnly);
  assert.ok(!v2.ok && v2.reason.includes("header incomplete"));
});

test("a full-length zero-filled file (size set before any bytes) is not whole", async (t) => {
  const dir = tempDir(t);
  const parts = encodeSafetensors({ w: { shape: [4], data: [1, 2, 3, 4] } });
  const path = join(dir, "z.safetensors");
  writeFileSync(path, Buffer.alloc(parts.header.length + parts.data.length));
  const v = await checkSafetensors(path);
  assert.ok(!v.ok && v.reason.includes("header length is 0"));
  writeFileSync(path, Buffer.concat([parts.header, parts.data]));
  const ok = await checkSafetensors(path);
  assert.ok(ok.ok);
  assert.deepEqual(ok.header.tensors.w, { dtype: "F32", shape: [4], dataOffsets: [0, 16] });
});

test("a header that is not JSON is reported, not thrown", async (t) => {
  const path = join(tempDir(t), "bad.safetensors");
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(8n);
  writeFileSync(path, Buffer.concat([len, Buffer.from("{nope   ")]));
  const v = await checkSafetensors(path);
  assert.ok(!v.ok && v.reason.includes("not valid JSON"));
});

test("a header longer than the first read is read whole; one cut inside it is incomplete", async (t) => {
  const dir = tempDir(t);
  // 3,000 tensors make a header of about 200 KB, past the 64 KiB read together with the length prefix.
  const tensors: Record<string, { shape: number[]; data: number[] }> = {};
  for (let i = 0; i < 3000; i++) tensors[`base_model.model.layers.${i}.self_attn.q_proj.lora_A.weight`] = { shape: [1], data: [i] };
  const parts = encodeSafetensors(tensors, { format: "pt" });
  assert.ok(parts.header.length > 64 * 1024 + 8, `header of ${parts.header.length} bytes`);
  const whole = join(dir, "long.safetensors");
  writeFileSync(whole, Buffer.concat([parts.header, parts.data]));
  const v = await checkSafetensors(whole);
  assert.ok(v.ok, v.ok ? "" : v.reason);
  assert.equal(Object.keys(v.header.tensors).length, 3000);
  assert.equal(v.header.expectedSize, parts.header.length + 3000 * 4);
  // Cut 100 bytes into the header: the length prefix promises more than the file holds.
  const cut = join(dir, "cut.safetensors");
  writeFileSync(cut, Buffer.concat([parts.header, parts.data]).subarray(0, 70 * 1024));
  const c = await checkSafetensors(cut, { seenRegular: true });
  assert.ok(!c.ok && c.reason.includes("header incomplete"), c.ok ? "read as whole" : c.reason);
});

test("a file seen as regular by the walk and swapped for a FIFO is refused by the open file's own stat, without blocking", { skip: process.platform === "win32" ? "no FIFOs" : false }, async (t) => {
  const path = join(tempDir(t), "adapter_model.safetensors");
  const r = spawnSync("mkfifo", [path]);
  if (r.status !== 0) return t.skip("mkfifo is not available");
  await assert.rejects(checkSafetensors(path, { seenRegular: true }), /FIFO \(named pipe\), not a regular file/);
});
