// YAML from outside, bounded: the library stops exponential alias expansion itself (maxAliasCount), but turning a
// document with tens of thousands of aliases into data takes time quadratic in their number, so documents with
// more aliases than any real suite uses are refused, located, before that step.
import { visit, type Document, type LineCounter } from "yaml";
import { InputError } from "./inputError.js";

/** Far more than a real suite or question file uses (the published emergent-misalignment file has a dozen). */
export const MAX_YAML_ALIASES = 1000;

/** Throws a located error when the document uses more aliases than the limit. */
export function checkAliases(path: string, doc: Document, lineCounter: LineCounter): void {
  let count = 0;
  let at = 0;
  visit(doc, {
    Alias(_key, node) {
      count++;
      if (count === MAX_YAML_ALIASES + 1) {
        at = node.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (count > MAX_YAML_ALIASES) {
    const pos = lineCounter.linePos(at);
    throw new InputError(path, `uses more than ${MAX_YAML_ALIASES} YAML aliases (*name); refused, since expanding that many takes very long`, pos.line, pos.col);
  }
}
