// Printing: --json writes exactly one JSON document to stdout; otherwise a plain table for people.
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Resolves when what was written has been taken by the reader (a pipe to a slow reader fills up). */
  drained?: () => Promise<void>;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  drained: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once("drain", () => resolve())) : Promise.resolve()),
};

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + "\n");
}

type Cell = string | number | null;
const cellText = (c: Cell | undefined): string => (c === null || c === undefined ? "-" : String(c));

/** Output is gathered into chunks of about this many characters: few writes, and memory bounded by one chunk. */
const CHUNK = 64 * 1024;

function tableLine(widths: number[], r: Cell[]): string {
  let text = "";
  for (let i = 0; i < widths.length; i++) text += i === 0 ? cellText(r[i]).padEnd(widths[i]!) : `  ${cellText(r[i]).padEnd(widths[i]!)}`;
  return text.trimEnd() + "\n";
}

/** Widens each column to fit a row (a loop, not Math.max(...column), which overflows the stack on long tables). */
function widen(widths: number[], r: Cell[]): void {
  for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, cellText(r[i]).length);
}

/** Gathers text into chunks of CHUNK characters; add() says when it wrote one (a moment to wait for the reader). */
function chunkedWriter(io: Io) {
  let chunk = "";
  return {
    add(text: string): boolean {
      chunk += text;
      if (chunk.length < CHUNK) return false;
      io.out(chunk);
      chunk = "";
      return true;
    },
    end(text = ""): void {
      io.out(chunk + text);
      chunk = "";
    },
  };
}

/** A plain table, each column padded to its widest cell. */
export function printTable(io: Io, headers: string[], rows: Cell[][]): void {
  const widths = headers.map((h) => h.length);
  for (const r of rows) widen(widths, r);
  const out = chunkedWriter(io);
  out.add(tableLine(widths, headers));
  for (const r of rows) out.add(tableLine(widths, r));
  out.end();
}

/**
 * printTable of rows too many to hold: `rows` gives them afresh for each of two passes (widths, then lines), and
 * output waits for the reader after each chunk, so memory stays bounded by one chunk (`scores` on a long run).
 */
export async function streamTable(io: Io, headers: string[], rows: () => AsyncIterable<Cell[]>): Promise<void> {
  const widths = headers.map((h) => h.length);
  for await (const r of rows()) widen(widths, r);
  const out = chunkedWriter(io);
  out.add(tableLine(widths, headers));
  for await (const r of rows()) if (out.add(tableLine(widths, r))) await io.drained?.();
  out.end();
}

/** The same text as printJson of an array, written a chunk at a time as the rows come, waiting for the reader. */
export async function streamJsonRows(io: Io, rows: AsyncIterable<unknown>): Promise<void> {
  const out = chunkedWriter(io);
  let first = true;
  for await (const row of rows) {
    const wrote = out.add(`${first ? "[\n" : ",\n"}  ${JSON.stringify(row, null, 2).replace(/\n/g, "\n  ")}`);
    first = false;
    if (wrote) await io.drained?.();
  }
  out.end(first ? "[]\n" : "\n]\n");
}

/** A number in a table: three decimals, or "-" for none. */
export const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? "-" : v.toFixed(3));
