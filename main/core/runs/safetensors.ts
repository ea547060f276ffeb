// safetensors header reading. The format is tiny and its exact byte layout is the whole point
// (a partially written file can be full-length and zero-filled), so it is read here directly.
import { formatBytes, openRegularSized, readLimit, type OpenOptions } from "../util/boundedRead.js";

/** The format caps the header at 100,000,000 bytes; real headers are kilobytes, so a lower, settable limit applies. */
const FORMAT_MAX_HEADER = 100_000_000;

export interface SafetensorsHeader {
  headerLength: number;
  /** 8 + header length + largest end offset: the only size a finished file can have. */
  expectedSize: number;
  tensors: Record<string, { dtype: string; shape: number[]; dataOffsets: [number, number] }>;
  metadata: Record<string, string> | null;
}

/** Why a safetensors file is not (yet) whole; null when it is. */
export type SafetensorsVerdict = { ok: true; header: SafetensorsHeader } | { ok: false; reason: string };

/** Bytes read at once from a file's start: the length prefix and, for every real header, the whole header too. */
const FIRST_READ = 64 * 1024;

export async function checkSafetensors(path: string, options: OpenOptions = {}): Promise<SafetensorsVerdict> {
  const { fh, size } = await openRegularSized(path, options);
  try {
    if (size < 8) return { ok: false, reason: `${path}: only ${size} bytes, no header yet` };
    // One read for the length prefix and (nearly always) the header after it: a first poll checks a safetensors
    // file per checkpoint, and each call is a file-system round trip on the core's thread.
    const first = Buffer.alloc(Math.min(size, FIRST_READ));
    const { bytesRead } = await fh.read(first, 0, first.length, 0);
    if (bytesRead < 8) return { ok: false, reason: `${path}: only ${bytesRead} bytes, no header yet` };
    const headerLength = Number(first.readBigUInt64LE(0));
    if (headerLength === 0) return { ok: false, reason: `${path}: header length is 0 (file not written yet)` };
    if (headerLength > FORMAT_MAX_HEADER) return { ok: false, reason: `${path}: header length ${headerLength} exceeds the format's limit` };
    const limit = readLimit("safetensorsHeader");
    if (headerLength > limit) return { ok: false, reason: `${path}: header length ${formatBytes(headerLength)} is over the ${formatBytes(limit)} limit for a safetensors header (DRIFTSCOPE_LIMIT_SAFETENSORS_HEADER raises it)` };
    if (8 + headerLength > size) return { ok: false, reason: `${path}: header incomplete (${size} of at least ${8 + headerLength} bytes)` };
    let headerBuf: Buffer;
    if (8 + headerLength <= bytesRead) headerBuf = first.subarray(8, 8 + headerLength);
    else {
      headerBuf = Buffer.alloc(headerLength);
      const got = (await fh.read(headerBuf, 0, headerLength, 8)).bytesRead;
      if (got < headerLength) return { ok: false, reason: `${path}: header incomplete (read ${got} of ${headerLength} bytes)` };
    }
    const header = parseHeader(path, headerBuf);
    if (typeof header === "string") return { ok: false, reason: header };
    if (size !== header.expectedSize) {
      return { ok: false, reason: `${path}: size ${size} differs from the ${header.expectedSize} bytes its header describes` };
    }
    return { ok: true, header };
  } finally {
    await fh.close();
  }
}

function parseHeader(path: string, buf: Buffer): SafetensorsHeader | string {
  if (buf[0] !== 0x7b) return `${path}: header does not start with "{" (not written yet, or not safetensors)`;
  let json: unknown;
  try {
    json = JSON.parse(buf.toString("utf8"));
  } catch {
    return `${path}: header is not valid JSON yet`;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return `${path}: header is not a JSON object`;
  const tensors: SafetensorsHeader["tensors"] = {};
  let metadata: Record<string, string> | null = null;
  let dataEnd = 0;
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = value as Record<string, string>;
      continue;
    }
    const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const offs = v.data_offsets;
    if (
      typeof v.dtype !== "string" ||
      !Array.isArray(v.shape) ||
      !Array.isArray(offs) ||
      offs.length !== 2 ||
      !Number.isSafeInteger(offs[0]) ||
      !Number.isSafeInteger(offs[1]) ||
      offs[0] < 0 ||
      offs[0] > offs[1]
    ) {
      return `${path}: tensor "${name}" has a malformed entry (data_offsets must be whole numbers 0 <= begin <= end)`;
    }
    tensors[name] = { dtype: v.dtype, shape: v.shape as number[], dataOffsets: [offs[0], offs[1]] };
    if (offs[1] > dataEnd) dataEnd = offs[1];
  }
  return { headerLength: buf.length, expectedSize: 8 + buf.length + dataEnd, tensors, metadata };
}
