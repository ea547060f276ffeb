// Results that carry typed-array columns (the drift view's series) travel over HTTP as bytes, not JSON: a 100-run
// view holds millions of numbers, which as JSON text were 40 MB to format on the server, carry and decode in the
// page (about a second here), while their bytes are read by the page as typed arrays over the received buffer, with
// no parsing at all. Electron's IPC and worker messages carry typed arrays as they are (structured clone), so only
// the HTTP transport uses this. A small format of our own, because its exactness matters and it has one use:
//
//   "DSC1"                       4 bytes, the format's name and version
//   H                            uint32, little-endian: the header's length in bytes
//   columns                      each array's bytes at its offset from the start (a multiple of 8, the first at 8)
//   header                       the last H bytes, UTF-8 JSON: { value, arrays: [{ type, offset, length }] }, where
//                                every typed array in the value is replaced by { "$typed": i }, i its index in arrays
//
// The machines Driftscope runs on (x86-64, ARM64) are little-endian, as typed arrays then are.

const MAGIC = "DSC1";
export const TYPED_ENVELOPE_TYPE = "application/x-driftscope-columns";

const CONSTRUCTORS = { Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array } as const;
type TypedName = keyof typeof CONSTRUCTORS;
type Typed = InstanceType<(typeof CONSTRUCTORS)[TypedName]>;

interface Header {
  value: unknown;
  arrays: { type: TypedName; offset: number; length: number }[];
}

const typedName = (v: unknown): TypedName | null => {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  const name = v.constructor.name as TypedName;
  return name in CONSTRUCTORS ? name : null;
};

/**
 * The value as an envelope, in pieces to be sent one after another: the columns are not copied (a server writes each
 * piece to its socket; gathering tens of megabytes into one new buffer first cost about as much as sending them).
 */
export function encodeTypedParts(value: unknown): Uint8Array[] {
  const arrays: Typed[] = [];
  const meta: Header["arrays"] = [];
  // The replacer sees every value; a typed array is swapped for its placeholder before JSON looks inside it.
  const valueJson = JSON.stringify(value, (_key, v: unknown) => {
    const type = typedName(v);
    if (type === null) return v;
    arrays.push(v as Typed);
    meta.push({ type, offset: 0, length: (v as Typed).length });
    return { $typed: arrays.length - 1 };
  });
  // Columns first (their offsets are known as they are laid out), then the header that names them.
  const align = (n: number) => Math.ceil(n / 8) * 8;
  const padding = new Uint8Array(8);
  const parts: Uint8Array[] = [];
  let offset = 8;
  for (let i = 0; i < meta.length; i++) {
    const a = arrays[i]!;
    meta[i]!.offset = offset;
    parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    const end = align(offset + a.byteLength);
    if (end > offset + a.byteLength) parts.push(padding.subarray(0, end - offset - a.byteLength));
    offset = end;
  }
  const header = new TextEncoder().encode(`{"value":${valueJson ?? "null"},"arrays":${JSON.stringify(meta)}}`);
  const start = new Uint8Array(8);
  start.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(start.buffer).setUint32(4, header.length, true);
  return [start, ...parts, header];
}

/** The value an envelope holds, its typed arrays viewing the given buffer (no copy). Throws naming what is wrong. */
export function decodeTyped(buffer: ArrayBuffer): unknown {
  if (buffer.byteLength < 8) throw new Error(`a typed envelope of ${buffer.byteLength} bytes is too short`);
  const bytes = new Uint8Array(buffer);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new Error(`not a typed envelope (it starts "${magic}", not "${MAGIC}")`);
  const headerLength = new DataView(buffer).getUint32(4, true);
  if (8 + headerLength > buffer.byteLength) throw new Error(`the typed envelope's header (${headerLength} bytes) is longer than the envelope (${buffer.byteLength} bytes)`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(buffer.byteLength - headerLength))) as Header;
  const views = header.arrays.map((m, i) => {
    const C = CONSTRUCTORS[m.type];
    if (!C) throw new Error(`typed array ${i}: unknown type "${String(m.type)}"`);
    if (!Number.isInteger(m.offset) || m.offset % 8 !== 0 || !Number.isInteger(m.length) || m.length < 0 || m.offset < 8 || m.offset + m.length * C.BYTES_PER_ELEMENT > buffer.byteLength - headerLength) {
      throw new Error(`typed array ${i} (${m.type}, ${m.length} at ${m.offset}) does not fit the envelope's ${buffer.byteLength} bytes`);
    }
    return new C(buffer, m.offset, m.length);
  });
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v === null || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (typeof o.$typed === "number" && Object.keys(o).length === 1) {
      const view = views[o.$typed];
      if (!view) throw new Error(`a placeholder names typed array ${o.$typed}, which the envelope does not hold`);
      return view;
    }
    for (const k of Object.keys(o)) o[k] = revive(o[k]);
    return o;
  };
  return revive(header.value);
}
