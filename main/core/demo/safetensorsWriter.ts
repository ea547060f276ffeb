// Encodes float32 tensors as safetensors (8-byte header length, JSON header padded with spaces to 8 bytes, data).
export interface F32Tensor {
  shape: number[];
  data: number[];
}

export interface SafetensorsParts {
  header: Buffer; // length prefix + padded JSON
  data: Buffer;
}

export function encodeSafetensors(tensors: Record<string, F32Tensor>, metadata?: Record<string, string>): SafetensorsParts {
  const entries: Record<string, unknown> = {};
  if (metadata) entries.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name]!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${name}: shape ${t.shape} does not hold ${t.data.length} values`);
    const buf = Buffer.alloc(count * 4);
    t.data.forEach((v, i) => buf.writeFloatLE(v, i * 4));
    entries[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + buf.length] };
    offset += buf.length;
    chunks.push(buf);
  }
  let json = JSON.stringify(entries);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const jsonBuf = Buffer.from(json, "utf8");
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(jsonBuf.length));
  return { header: Buffer.concat([len, jsonBuf]), data: Buffer.concat(chunks) };
}
