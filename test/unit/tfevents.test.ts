import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { decodeRecords, readEventFile, tensorboardKey } from "../../main/core/runs/metrics/tfevents.js";
import { fixture, needsFixture } from "../support/sharedFixtures.js";
import { event, fileVersionRecord, record, summaryValue, type ScalarEncoding } from "../support/tfeventsWriter.js";
import { tempDir } from "../support/tmp.js";

const EVENTS = "tfevents/events.out.tfevents.1663764701.Dipeshs-MacBook-Pro.local.11515.0";

// Ground truth for the real file, computed once with an independent reader (Python's struct module over the raw
// records): 401 records, four tags of 100 simple_value scalars each at steps 0..99, with these sums.
const TRUTH: Record<string, number> = {
  "Loss/train": 52.62534667784348,
  "Loss/test": 49.20277730724774,
  "Accuracy/train": 49.63733732094988,
  "Accuracy/test": 49.29625060845865,
};

test("reads every event of a real PyTorch SummaryWriter file", { skip: needsFixture(EVENTS) }, async () => {
  const r = await readEventFile(fixture(EVENTS), 0);
  assert.equal(r.records, 401);
  assert.deepEqual(r.problems, []);
  assert.equal(r.nextOffset, r.size);
  assert.equal(r.scalars.length, 400);
  for (const [tag, sum] of Object.entries(TRUTH)) {
    const mine = r.scalars.filter((s) => s.tag === tag);
    assert.equal(mine.length, 100, tag);
    assert.deepEqual(mine.map((s) => s.step), Array.from({ length: 100 }, (_, i) => i), tag);
    const total = mine.reduce((a, s) => a + s.value, 0);
    assert.ok(Math.abs(total - sum) < 1e-9, `${tag}: ${total} vs ${sum}`);
  }
  assert.ok(r.scalars.every((s) => s.wallTime > 1663764700 && s.wallTime < 1663764800));
});

test("reading the real file in pieces as it grows gives the same events, without re-reading", { skip: needsFixture(EVENTS) }, async (t) => {
  const bytes = readFileSync(fixture(EVENTS));
  const path = join(tempDir(t), "events.out.tfevents.1.host");
  writeFileSync(path, Buffer.alloc(0));
  let offset = 0;
  const seen: string[] = [];
  for (let cut = 0; cut < bytes.length; ) {
    const next = Math.min(bytes.length, cut + 1 + ((cut * 7919) % 977)); // uneven chunks that split records anywhere
    appendFileSync(path, bytes.subarray(cut, next));
    cut = next;
    const r = await readEventFile(path, offset);
    assert.deepEqual(r.problems, []);
    assert.ok(r.nextOffset >= offset);
    offset = r.nextOffset;
    for (const s of r.scalars) seen.push(`${s.tag}@${s.step}=${s.value}`);
  }
  const whole = await readEventFile(fixture(EVENTS), 0);
  assert.deepEqual(seen, whole.scalars.map((s) => `${s.tag}@${s.step}=${s.value}`));
  assert.equal(offset, bytes.length);
});

test("a corrupted record in the real file is reported and skipped, the rest still read", { skip: needsFixture(EVENTS) }, async () => {
  const bytes = Buffer.from(readFileSync(fixture(EVENTS)));
  // Find the third record and flip a byte in its data.
  let pos = 0;
  for (let i = 0; i < 2; i++) pos += 12 + Number(bytes.readBigUInt64LE(pos)) + 4;
  bytes[pos + 12 + 3]! ^= 0xff;
  const r = decodeRecords("f", bytes, 0);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!, new RegExp(`f: record at byte ${pos}: data CRC mismatch`));
  assert.equal(r.broken, false);
  assert.equal(r.scalars.length, 400 - 1); // each record of this file holds one scalar
});

test("a broken length field stops reading there and says so", () => {
  const good = Buffer.concat([fileVersionRecord(), record(event({ wallTime: 1, step: 1, values: [summaryValue("a", 1)] }))]);
  const bad = Buffer.concat([good, Buffer.from(record(event({ wallTime: 2, step: 2, values: [summaryValue("a", 2)] })))]);
  bad[good.length + 8]! ^= 0x01; // corrupt the length CRC of the third record
  const r = decodeRecords("f", bad, 0);
  assert.equal(r.broken, true);
  assert.equal(r.nextOffset, good.length);
  assert.equal(r.scalars.length, 1);
  assert.match(r.problems[0]!, /length CRC mismatch/);
});

test("scalar tensors in every encoding writers use are read; text and non-scalars are not", async (t) => {
  const encodings: ScalarEncoding[] = ["simple", "tensor_float_val", "tensor_double_val", "tensor_content_float", "tensor_content_double"];
  const path = join(tempDir(t), "events.out.tfevents.2.host");
  const parts = [fileVersionRecord()];
  encodings.forEach((enc, i) => parts.push(record(event({ wallTime: 1000 + i, step: i, values: [summaryValue(`m/${enc}`, 0.25 + i)] }))));
  writeFileSync(path, Buffer.concat(parts));
  const r = await readEventFile(path, 0);
  assert.deepEqual(
    r.scalars.map((s) => [s.tag, s.step, s.value]),
    encodings.map((enc, i) => [`m/${enc}`, i, 0.25 + i]),
  );
  assert.equal(r.scalars[0]!.step, 0); // step 0 is absent from the record and defaults to 0
});

test("a writer that has logged nothing yet leaves a 40-byte file with no scalars", () => {
  const r = decodeRecords("f", fileVersionRecord(), 0);
  assert.equal(fileVersionRecord().length, 40);
  assert.equal(r.records, 1);
  assert.equal(r.scalars.length, 0);
});

test("add_scalars sub-folders supply the series name", () => {
  assert.equal(tensorboardKey("Loss", "Loss_train"), "Loss/train");
  assert.equal(tensorboardKey("train/loss", "train_loss_ema"), "train/loss/ema");
  assert.equal(tensorboardKey("Loss/train", "runs"), "Loss/train");
});
