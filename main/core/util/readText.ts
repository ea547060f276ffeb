// Reading files written by other programs: strict UTF-8 and JSON errors that name the file, line and column.
import { readBounded, type OpenOptions, type ReadKind } from "./boundedRead.js";
import { InputError } from "./inputError.js";
import { parse as jsoncParse, printParseErrorCode, type ParseError } from "jsonc-parser";

export { InputError };

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

/** Words for jsonc-parser's error codes, by name. */
const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "property name expected",
  ValueExpected: "value expected",
  ColonExpected: "colon expected",
  CommaExpected: "comma expected",
  CloseBraceExpected: "closing brace expected",
  CloseBracketExpected: "closing bracket expected",
  EndOfFileExpected: "end of file expected",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unexpected end of number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character",
};

/**
 * Parses JSON with the built-in parser (the truth); when it fails, jsonc-parser (strict settings) locates the
 * first error, because JSON.parse's messages carry no position on Node 20.
 */
export function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (text.trim() === "") throw new InputError(path, "is empty (expected JSON)");
    const errors: ParseError[] = [];
    jsoncParse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const offset = first?.offset ?? text.length;
    const { line, column } = lineColumn(text, offset);
    const what = first ? (JSON_ERRORS[printParseErrorCode(first.error)] ?? "invalid JSON") : (err as Error).message;
    // Truncated: the parser ran into the end of the text (a string or container still open there).
    const end = text.trimEnd().length;
    const truncated = errors.some((e) => e.offset >= end || /^UnexpectedEndOf/.test(printParseErrorCode(e.error)));
    throw new InputError(path, `invalid JSON: ${what}${truncated ? " (the file looks truncated)" : ""}`, line, column);
  }
}

export async function readJsonFile(path: string, kind: ReadKind = "marker", options: OpenOptions = {}): Promise<unknown> {
  return parseJson(path, decodeUtf8(path, await readBounded(path, kind, options)));
}
