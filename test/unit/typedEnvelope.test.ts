// Typed columns over HTTP: what goes in comes out, every array at an aligned offset and viewing the received buffer;
// damaged or foreign bytes are refused with a message naming what is wrong.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeTyped, encodeTypedParts } from "../../shared/wire/typedEnvelope.js";

/** The envelope as a client receives it: the server's pieces, one after another. */
const encodeTyped = (value: unknown): Uint8Array => Buffer.concat(encodeTypedParts(value));

const bufferOf = (u: Uint8Array): ArrayBuffer => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

test("a value with typed arrays of several kinds and lengths round-trips, each array aligned and viewing the buffer", () => {
  const value = {
    runs: [
      { runId: 1, trait: "caps", steps: new Float64Array([10, 20, 30]), mean: new Float32Array([0.25, NaN, 0.5]), of: 1000 },
      { runId: 2, trait: "lang", steps: new Float64Array([]), mean: new Float32Array([]) },
    ],
    groups: [{ group: "g", counts: new Int32Array([-1, 2, 2_000_000_000]), bytes: new Uint8Array([1, 2, 3, 4, 5]) }],
    plain: [1, "two", null, { nested: true }],
    sub: new Float32Array([1, 2, 3, 4]).subarray(1, 3),
  };
  const bytes = encodeTyped(value);
  const buffer = bufferOf(bytes);
  const back = decodeTyped(buffer) as typeof value;
  assert.deepEqual(Array.from(back.runs[0]!.steps), [10, 20, 30]);
  assert.ok(back.runs[0]!.steps instanceof Float64Array);
  assert.equal(back.runs[0]!.mean[0], 0.25);
  assert.ok(Number.isNaN(back.runs[0]!.mean[1]!), "NaN (a missing value) survives");
  assert.equal(back.runs[0]!.of, 1000);
  assert.equal(back.runs[1]!.steps.length, 0);
  assert.deepEqual(Array.from(back.groups[0]!.counts), [-1, 2, 2_000_000_000]);
  assert.deepEqual(Array.from(back.groups[0]!.bytes), [1, 2, 3, 4, 5]);
  assert.deepEqual(back.plain, value.plain);
  assert.deepEqual(Array.from(back.sub), [2, 3], "a subarray travels as its own elements only");
  for (const a of [back.runs[0]!.steps, back.runs[0]!.mean, back.groups[0]!.counts, back.sub]) {
    assert.equal(a.buffer, buffer, "a view of the received buffer, not a copy");
    assert.equal(a.byteOffset % 8, 0);
  }
});

test("a value without typed arrays round-trips too", () => {
  assert.deepEqual(decodeTyped(bufferOf(encodeTyped({ runs: [], groups: [] }))), { runs: [], groups: [] });
});

test("damaged or foreign bytes are refused, naming what is wrong", () => {
  const good = encodeTyped({ a: new Float64Array([1, 2, 3]) });
  assert.throws(() => decodeTyped(new ArrayBuffer(3)), /too short/);
  assert.throws(() => decodeTyped(bufferOf(new TextEncoder().encode('{"result": 1}'))), /not a typed envelope/);
  // The header says it is longer than the whole envelope.
  const long = new Uint8Array(good);
  new DataView(long.buffer).setUint32(4, long.length + 10, true);
  assert.throws(() => decodeTyped(bufferOf(long)), /header .* is longer than the envelope/);
  // Cut short: the header no longer parses, or an array no longer fits.
  assert.throws(() => decodeTyped(bufferOf(good.subarray(0, good.length - 5))));
  // An array claimed to reach past the columns.
  const text = new TextDecoder().decode(good);
  const lying = new TextEncoder().encode(text.replace('"length":3', '"length":9'));
  assert.throws(() => decodeTyped(bufferOf(lying)), /does not fit/);
});
