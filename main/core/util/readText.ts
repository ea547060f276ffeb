// Reading files written by other programs: strict UTF-8 and JSON errors that name the file, line and column.
import { readFile } from "node:fs/promises";

export class InputError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${path}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ""}` : ""}: ${detail}`);
    this.name = "InputError";
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Decodes strictly: invalid UTF-8 is an error naming the byte offset, never silently replaced. */
export function decodeUtf8(path: string, bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    // Find the first bad byte to say where (TextDecoder does not).
    let lo = 0;
    let hi = bytes.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
        lo = mid;
      } catch {
        hi = mid;
      }
    }
    throw new InputError(path, `is not valid UTF-8 text (bad byte near offset ${lo})`);
  }
}

/** Parses JSON; on failure the error names the line and column where parsing stopped. */
export function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (text.trim() === "") throw new InputError(path, "is empty (expected JSON)");
    const m = /position (\d+)/.exec(msg);
    if (m) {
      const { line, column } = lineColumn(text, Number(m[1]));
      throw new InputError(path, `invalid JSON: ${msg.replace(/\s*(in JSON )?at position \d+.*$/s, "")}`, line, column);
    }
    // "Unexpected end of JSON input" carries no position: the file is truncated.
    const { line, column } = lineColumn(text, text.length);
    throw new InputError(path, `invalid JSON (${msg}); the file looks truncated`, line, column);
  }
}

export async function readJsonFile(path: string): Promise<unknown> {
  return parseJson(path, decodeUtf8(path, await readFile(path)));
}
