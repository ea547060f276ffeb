// TensorBoard event files, read incrementally: TFRecord framing with both masked CRC-32C checks,
// Event protos decoded with protobufjs from a descriptor of the few fields scalars need.
import protobuf from "protobufjs";
import { readTail } from "../../util/readTail.js";
import { maskedCrc32c } from "./crc32c.js";
import type { MetricRow } from "../../store/store.js";

// Field numbers from tensorboard's event.proto / summary.proto / tensor.proto; unknown fields (graphs, images, histograms) are skipped.
const root = protobuf.Root.fromJSON({
  nested: {
    Event: {
      fields: { wallTime: { type: "double", id: 1 }, step: { type: "int64", id: 2 }, fileVersion: { type: "string", id: 3 }, summary: { type: "Summary", id: 5 } },
    },
    Summary: { fields: { value: { rule: "repeated", type: "Value", id: 1 } } },
    Value: {
      oneofs: { value: { oneof: ["simpleValue", "tensor"] } },
      fields: {
        tag: { type: "string", id: 1 },
        simpleValue: { type: "float", id: 2 },
        tensor: { type: "TensorProto", id: 8 },
        metadata: { type: "SummaryMetadata", id: 9 },
      },
    },
    SummaryMetadata: { fields: { pluginData: { type: "PluginData", id: 1 } } },
    PluginData: { fields: { pluginName: { type: "string", id: 1 } } },
    TensorProto: {
      fields: {
        dtype: { type: "int32", id: 1 },
        tensorShape: { type: "TensorShape", id: 2 },
        tensorContent: { type: "bytes", id: 4 },
        floatVal: { rule: "repeated", type: "float", id: 5 },
        doubleVal: { rule: "repeated", type: "double", id: 6 },
        intVal: { rule: "repeated", type: "int32", id: 7 },
        int64Val: { rule: "repeated", type: "int64", id: 10 },
        stringVal: { rule: "repeated", type: "bytes", id: 8 },
      },
    },
    TensorShape: { fields: { dim: { rule: "repeated", type: "Dim", id: 2 } } },
    Dim: { fields: { size: { type: "int64", id: 1 } } },
  },
});
const EventType = root.lookupType("Event");

interface TensorMsg {
  dtype?: number;
  tensorShape?: { dim?: { size?: number }[] };
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  int64Val?: (number | { toNumber(): number })[];
  stringVal?: Uint8Array[];
}
interface ValueMsg {
  tag?: string;
  value?: "simpleValue" | "tensor";
  simpleValue?: number;
  tensor?: TensorMsg;
}
interface EventMsg {
  wallTime?: number;
  step?: number | { toNumber(): number };
  fileVersion?: string;
  summary?: { value?: ValueMsg[] };
}

const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_INT64 = 9;
const DT_STRING = 7;

const num = (v: number | { toNumber(): number } | undefined): number => (v === undefined ? 0 : typeof v === "number" ? v : v.toNumber());

/** The single number in a scalar tensor, or null for anything else (text, images, vectors). */
function tensorScalar(t: TensorMsg): number | null {
  const elements = (t.tensorShape?.dim ?? []).reduce((n, d) => n * num(d.size), 1);
  if (elements !== 1) return null;
  const content = t.tensorContent && t.tensorContent.length > 0 ? Buffer.from(t.tensorContent) : null;
  switch (t.dtype) {
    case DT_FLOAT:
      return content && content.length >= 4 ? content.readFloatLE(0) : (t.floatVal?.[0] ?? null);
    case DT_DOUBLE:
      return content && content.length >= 8 ? content.readDoubleLE(0) : (t.doubleVal?.[0] ?? null);
    case DT_INT32:
      return content && content.length >= 4 ? content.readInt32LE(0) : (t.intVal?.[0] ?? null);
    case DT_INT64:
      return content && content.length >= 8 ? Number(content.readBigInt64LE(0)) : t.int64Val?.[0] !== undefined ? num(t.int64Val[0]) : null;
    default:
      return null;
  }
}

export interface TfEventScalar {
  tag: string;
  step: number;
  value: number;
  wallTime: number;
}

/** A text summary (add_text): its tag without the "/text_summary" suffix, and each string of its tensor. */
export interface TfEventText {
  tag: string;
  step: number;
  text: string;
  wallTime: number;
}

export interface TfRecordsResult {
  scalars: TfEventScalar[];
  texts: TfEventText[];
  records: number;
  /** Offset just past the last complete record: where the next read starts. */
  nextOffset: number;
  /** Problems with complete records (bad CRCs, undecodable events), each naming its byte offset. */
  problems: string[];
  /** The framing itself is broken at nextOffset: reading cannot continue past it. */
  broken: boolean;
}

/** Decodes the complete records in buf (which starts at file offset base); stops cleanly before a truncated final record. */
export function decodeRecords(path: string, buf: Buffer, base: number): TfRecordsResult {
  const out: TfRecordsResult = { scalars: [], texts: [], records: 0, nextOffset: base, problems: [], broken: false };
  let pos = 0;
  while (buf.length - pos >= 12) {
    const lenCrc = buf.readUInt32LE(pos + 8);
    if (maskedCrc32c(buf, pos, pos + 8) !== lenCrc) {
      out.problems.push(`${path}: record at byte ${base + pos}: length CRC mismatch; the file is corrupt from here on`);
      out.broken = true;
      break;
    }
    const len = Number(buf.readBigUInt64LE(pos));
    if (buf.length - pos < 12 + len + 4) break; // truncated final record: read again later
    const dataStart = pos + 12;
    const dataEnd = dataStart + len;
    const recordOffset = base + pos;
    pos = dataEnd + 4;
    out.nextOffset = base + pos;
    out.records++;
    if (maskedCrc32c(buf, dataStart, dataEnd) !== buf.readUInt32LE(dataEnd)) {
      out.problems.push(`${path}: record at byte ${recordOffset}: data CRC mismatch; record skipped`);
      continue;
    }
    let ev: EventMsg;
    try {
      ev = EventType.decode(buf.subarray(dataStart, dataEnd)) as unknown as EventMsg;
    } catch (err) {
      out.problems.push(`${path}: record at byte ${recordOffset}: not an Event (${(err as Error).message}); record skipped`);
      continue;
    }
    for (const v of ev.summary?.value ?? []) {
      let value: number | null = null;
      if (v.value === "tensor" && v.tensor?.dtype === DT_STRING && v.tag !== undefined) {
        // add_text writes "<tag>/text_summary" with the text plugin's metadata; each string is one text.
        const tag = v.tag.replace(/\/text_summary$/, "");
        for (const s of v.tensor.stringVal ?? []) out.texts.push({ tag, step: num(ev.step), text: Buffer.from(s).toString("utf8"), wallTime: ev.wallTime ?? 0 });
        continue;
      }
      if (v.value === "simpleValue") value = v.simpleValue ?? 0;
      else if (v.value === "tensor" && v.tensor) value = tensorScalar(v.tensor);
      if (value === null || v.tag === undefined) continue;
      out.scalars.push({ tag: v.tag, step: num(ev.step), value, wallTime: ev.wallTime ?? 0 });
    }
  }
  return out;
}

/** Reads what was appended since `offset`. */
export async function readEventFile(path: string, offset: number): Promise<TfRecordsResult & { size: number; mtimeMs: number }> {
  const tail = await readTail(path, offset);
  return { ...decodeRecords(path, tail.bytes, offset), size: tail.size, mtimeMs: tail.mtimeMs };
}

/**
 * The metric key of a scalar. PyTorch's add_scalars puts each series in a sub-folder `<main_tag>_<name>`
 * with the main tag inside, so the folder supplies the series name.
 */
export function tensorboardKey(tag: string, folderName: string): string {
  const prefix = tag.replace(/\//g, "_") + "_";
  if (folderName.startsWith(prefix) && folderName.length > prefix.length) return `${tag}/${folderName.slice(prefix.length)}`;
  return tag;
}

export function scalarsToRows(scalars: TfEventScalar[], folderName: string): MetricRow[] {
  return scalars.map((s) => ({ key: tensorboardKey(s.tag, folderName), step: s.step, value: Number.isFinite(s.value) ? s.value : null, wallTime: s.wallTime }));
}
