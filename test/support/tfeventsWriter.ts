// Writes TensorBoard event files byte by byte, independently of the reader's protobuf descriptor, the way
// PyTorch's SummaryWriter and TensorFlow lay them out (field numbers from tensorboard's event/summary/tensor protos).
import { maskedCrc32c } from "../../main/core/runs/metrics/crc32c.js";

function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, data: Buffer) => Buffer.concat([key(field, 2), varint(data.length), data]);
const doubleField = (field: number, v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return Buffer.concat([key(field, 1), b]);
};
const floatField = (field: number, v: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v);
  return Buffer.concat([key(field, 5), b]);
};
const intField = (field: number, v: number) => Buffer.concat([key(field, 0), varint(v)]);

export type ScalarEncoding = "simple" | "tensor_float_val" | "tensor_double_val" | "tensor_content_float" | "tensor_content_double";

export function summaryValue(tag: string, value: number, encoding: ScalarEncoding = "simple"): Buffer {
  const parts = [bytesField(1, Buffer.from(tag))];
  if (encoding === "simple") parts.push(floatField(2, value));
  else {
    const isDouble = encoding.endsWith("double") || encoding === "tensor_double_val";
    const tensor: Buffer[] = [intField(1, isDouble ? 2 : 1), bytesField(2, Buffer.alloc(0))]; // dtype, empty (scalar) shape
    if (encoding === "tensor_float_val") {
      const b = Buffer.alloc(4);
      b.writeFloatLE(value);
      tensor.push(bytesField(5, b)); // packed repeated float
    } else if (encoding === "tensor_double_val") {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(value);
      tensor.push(bytesField(6, b));
    } else {
      const b = Buffer.alloc(isDouble ? 8 : 4);
      if (isDouble) b.writeDoubleLE(value);
      else b.writeFloatLE(value);
      tensor.push(bytesField(4, b));
    }
    parts.push(bytesField(8, Buffer.concat(tensor)));
    parts.push(bytesField(9, bytesField(1, bytesField(1, Buffer.from("scalars")))));
  }
  return Buffer.concat(parts);
}

export function event(opts: { wallTime: number; step: number; fileVersion?: string; values?: Buffer[] }): Buffer {
  const parts = [doubleField(1, opts.wallTime)];
  if (opts.step !== 0) parts.push(intField(2, opts.step)); // a step of 0 is left out, as real writers do
  if (opts.fileVersion) parts.push(bytesField(3, Buffer.from(opts.fileVersion)));
  if (opts.values) parts.push(bytesField(5, Buffer.concat(opts.values.map((v) => bytesField(1, v)))));
  return Buffer.concat(parts);
}

export function record(data: Buffer): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(data.length));
  const lenCrc = Buffer.alloc(4);
  lenCrc.writeUInt32LE(maskedCrc32c(len));
  const dataCrc = Buffer.alloc(4);
  dataCrc.writeUInt32LE(maskedCrc32c(data));
  return Buffer.concat([len, lenCrc, data, dataCrc]);
}

export function fileVersionRecord(wallTime = 1_700_000_000): Buffer {
  return record(event({ wallTime, step: 0, fileVersion: "brain.Event:2" }));
}

/** A text summary as PyTorch's SummaryWriter.add_text writes it: "<tag>/text_summary", a string tensor of shape [1]. */
export function textSummaryValue(tag: string, text: string): Buffer {
  const tensor = Buffer.concat([intField(1, 7), bytesField(2, bytesField(2, intField(1, 1))), bytesField(8, Buffer.from(text, "utf8"))]);
  return Buffer.concat([bytesField(1, Buffer.from(`${tag}/text_summary`)), bytesField(8, tensor), bytesField(9, bytesField(1, bytesField(1, Buffer.from("text"))))]);
}
