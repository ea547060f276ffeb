// Scorers, with the exact math of DESIGN section 5. Pure functions over answers and logprobs; the judge calls
// themselves are made by the scheduler, which hands the judge's top logprobs to these functions.
import type { Scorer } from "./suiteSchema.js";

export interface TopLogprob {
  token: string;
  logprob: number;
}

export interface ScoreValue {
  value: number | null;
  nullReason?: string;
  /** The judge's raw top logprobs, kept so thresholds can be recomputed. */
  raw?: TopLogprob[];
}

/**
 * Python's int() accepts surrounding whitespace, a sign and digits; "4.0" is rejected. Returns the integer or null.
 * (Python also accepts "_" between digits and non-ASCII digits; tokenizers do not emit those as score tokens.)
 */
export function parseIntToken(token: string): number | null {
  if (!/^\s*[+-]?\d+\s*$/.test(token)) return null;
  return Number.parseInt(token.trim(), 10);
}

/**
 * judge 0-100: Σ k·p_k / Σ p_k over tokens that parse as an integer k in 0..100; null when Σ p_k < minMass.
 * Sums in the order given, as the published pipelines do, so recomputed scores match theirs to the bit.
 */
export function judge0to100FromProbabilities(probs: [token: string, p: number][], minMass = 0.25): ScoreValue {
  let mass = 0;
  let weighted = 0;
  for (const [token, p] of probs) {
    const k = parseIntToken(token);
    if (k === null || k < 0 || k > 100) continue;
    weighted += k * p;
    mass += p;
  }
  if (probs.length === 0) return { value: null, nullReason: "the judge returned no logprobs" };
  if (mass < minMass) return { value: null, nullReason: `only ${mass.toFixed(3)} of the judge's probability is on numbers 0-100 (below ${minMass})` };
  return { value: weighted / mass };
}

export function judge0to100(top: TopLogprob[], minMass = 0.25): ScoreValue {
  return { ...judge0to100FromProbabilities(top.map((t) => [t.token, Math.exp(t.logprob)]), minMass), raw: top };
}

/** judge yes/no: P(yes) / (P(yes) + P(no)) over the first token; null when that mass is below minMass. */
export function judgeYesNo(top: TopLogprob[], yes: string[], no: string[], minMass = 0.25): ScoreValue {
  const norm = (s: string) => s.trim();
  const yesSet = new Set(yes.map(norm));
  const noSet = new Set(no.map(norm));
  let py = 0;
  let pn = 0;
  for (const t of top) {
    const tok = norm(t.token);
    if (yesSet.has(tok)) py += Math.exp(t.logprob);
    else if (noSet.has(tok)) pn += Math.exp(t.logprob);
  }
  if (py + pn < minMass) return { value: null, nullReason: `yes and no hold only ${(py + pn).toFixed(3)} of the judge's probability (below ${minMass})`, raw: top };
  return { value: py / (py + pn), raw: top };
}

/** The answer token without the surrounding space and brackets a tokenizer may split off: " (A)" ~ "A" ~ "(A". */
function answerKey(s: string): string {
  return s.trim().replace(/^\(/, "").replace(/\)$/, "").trim().toLowerCase();
}

/** The probed model's own next-token probability of the matching answer, normalised over matching + not matching. */
export function choiceLogprob(top: TopLogprob[], matching: string, notMatching: string, minMass = 0): ScoreValue {
  const m = answerKey(matching);
  const n = answerKey(notMatching);
  let pm = 0;
  let pn = 0;
  for (const t of top) {
    const k = answerKey(t.token);
    if (k === m) pm += Math.exp(t.logprob);
    else if (k === n) pn += Math.exp(t.logprob);
  }
  if (pm + pn === 0 || pm + pn < minMass) return { value: null, nullReason: `neither "${matching.trim()}" nor "${notMatching.trim()}" is among the model's likely next tokens`, raw: top };
  return { value: pm / (pm + pn), raw: top };
}

/**
 * Share of the answer written in a language, by eld's n-gram language identification over sentence-sized pieces,
 * weighted by their length. Pieces too short, or identified unreliably, do not count either way.
 */
export interface LanguageDetector {
  detect(text: string): { language: string; isReliable(): boolean };
}

let detector: Promise<LanguageDetector> | null = null;

/** eld's n-gram tables take a noticeable moment to load, so they load on first use, not at start-up. */
export function loadLanguageDetector(): Promise<LanguageDetector> {
  detector ??= import("eld/small").then((m) => m.eld as LanguageDetector);
  return detector;
}

export function languageShare(text: string, language: string, eld: LanguageDetector): ScoreValue {
  const pieces = text.split(/(?<=[.!?\n])\s+/).map((p) => p.trim()).filter((p) => p.replace(/[^\p{L}]/gu, "").length >= 8);
  let total = 0;
  let target = 0;
  for (const p of pieces) {
    const r = eld.detect(p);
    if (!r.language || !r.isReliable()) continue;
    total += p.length;
    if (r.language === language) target += p.length;
  }
  if (total === 0) return { value: null, nullReason: "too little text to identify its language" };
  return { value: target / total };
}

/** Share of cased letters that are upper case. */
export function capsRatio(text: string): ScoreValue {
  let upper = 0;
  let cased = 0;
  for (const ch of text) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    if (lo === up) continue; // not a cased letter
    cased++;
    if (ch === up) upper++;
  }
  if (cased === 0) return { value: null, nullReason: "no cased letters" };
  return { value: upper / cased };
}

export function patternMatch(text: string, scorer: Extract<Scorer, { kind: "pattern" }>): ScoreValue {
  if (scorer.regex !== undefined) return { value: new RegExp(scorer.regex, scorer.ignoreCase ? "i" : "").test(text) ? 1 : 0 };
  const needle = scorer.substring ?? "";
  return { value: (scorer.ignoreCase ? text.toLowerCase().includes(needle.toLowerCase()) : text.includes(needle)) ? 1 : 0 };
}

/** A derived rule: 1 when every condition holds, 0 when one fails, null when an input is null. */
export function derivedRule(
  scorer: Extract<Scorer, { kind: "derived" }>,
  values: Record<string, ScoreValue>,
  overrides: Record<string, number> = {},
): ScoreValue {
  let holds = true;
  for (const c of scorer.all) {
    const v = values[c.scorer]?.value;
    if (v === null || v === undefined) return { value: null, nullReason: `${c.scorer} has no score` };
    const t = overrides[`${scorer.name}.${c.threshold}`] ?? overrides[c.threshold] ?? scorer.thresholds[c.threshold]!;
    const ok = c.op === "<" ? v < t : c.op === "<=" ? v <= t : c.op === ">" ? v > t : v >= t;
    if (!ok) holds = false;
  }
  return { value: holds ? 1 : 0 };
}

/** Fills a judge template the way the published pipelines' str.format does for these two fields. */
export function fillTemplate(template: string, question: string, answer: string): string {
  // One pass, so a question that happens to contain "{answer}" is not filled in twice.
  return template.replace(/\{(question|answer)\}/g, (_, field: string) => (field === "question" ? question : answer));
}
