// Printing: --json writes exactly one JSON document to stdout; otherwise a plain table for people.
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + "\n");
}

export function printTable(io: Io, headers: string[], rows: (string | number | null)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? "-" : String(c))))];
  // A loop, not Math.max(...column): spreading a column of 125,000 rows overflows the call stack.
  const widths = headers.map((h) => h.length);
  for (const r of cells) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, r[i]!.length);
  for (const r of cells) io.out(r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd() + "\n");
}

/** A number in a table: three decimals, or "-" for none. */
export const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? "-" : v.toFixed(3));
