// What the two judge scorers share: filling the template and recording it in manifests by hash.
import { createHash } from "node:crypto";

/** Fills a judge template the way the published pipelines' str.format does for these two fields. */
export function fillTemplate(template: string, question: string, answer: string): string {
  // One pass, so a question that happens to contain "{answer}" is not filled in twice.
  return template.replace(/\{(question|answer)\}/g, (_, field: string) => (field === "question" ? question : answer));
}

/** A judge's settings for a manifest: the template by SHA-256 (templates are long and may be private). */
export function judgeManifest<S extends { name: string; kind: string; template: string }>(scorer: S): Omit<S, "template"> & { templateSha256: string } {
  const { template, ...rest } = scorer;
  return { ...rest, templateSha256: createHash("sha256").update(template).digest("hex") };
}

export const judgeTemplateField = { message: "a judge template needs {answer}" };
