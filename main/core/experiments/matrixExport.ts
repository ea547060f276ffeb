// The effect matrix as data and as a table for a paper: CSV with every number at full precision, and a LaTeX
// tabular (booktabs) that drops into a paper: conditions as rows, traits (by role) as columns, Δ with its interval.
import type { EffectsResult } from "./effects.js";

export interface MatrixTrait {
  trait: string;
  name: string;
  role: string;
}

const ROLE_ORDER = ["wanted", "unwanted_in_distribution", "unwanted_out_of_distribution", "control"];
const ROLE_WORDS: Record<string, string> = { wanted: "wanted", unwanted_in_distribution: "unwanted, in-dist.", unwanted_out_of_distribution: "unwanted, OOD", control: "control" };

export function orderedTraits(traits: MatrixTrait[]): MatrixTrait[] {
  return [...traits].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
}

const csvField = (v: unknown) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function matrixCsv(effects: EffectsResult, traits: MatrixTrait[], context: string | null): string {
  const roles = new Map(traits.map((t) => [t.trait, t.role]));
  const header = ["condition", "trait", "role", "context", "at", "seeds", "items", "mean", "ci_low", "ci_high", "delta", "delta_ci_low", "delta_ci_high", "relative_percent", "note"];
  const rows = effects.rows.filter((r) => context === null || r.context === context);
  return [header.join(","), ...rows.map((r) => [r.condition, r.trait, roles.get(r.trait) ?? "", r.context, r.at, r.seeds, r.items, r.mean, r.ciLow, r.ciHigh, r.delta, r.deltaCiLow, r.deltaCiHigh, r.relative, r.note].map(csvField).join(","))].join("\n") + "\n";
}

/** TeX's special characters in running text. */
export function texEscape(s: string): string {
  return s.replace(/[\\{}$&#^_%~]/g, (c) => (c === "\\" ? "\\textbackslash{}" : c === "~" ? "\\textasciitilde{}" : c === "^" ? "\\textasciicircum{}" : `\\${c}`));
}

const num = (v: number | null, digits: number) => (v === null ? "--" : `$${v < 0 ? "-" : ""}${Math.abs(v).toFixed(digits)}$`);

/**
 * A booktabs tabular of one context's matrix: the control's means in its row, Δ [low, high] for the others, a dagger
 * where the interval excludes 0. Needs \\usepackage{booktabs} in the paper.
 */
export function matrixLatex(effects: EffectsResult, traits: MatrixTrait[], conditions: string[], control: string, context: string, digits = 2): string {
  const cols = orderedTraits(traits);
  const cell = (c: string, t: string) => effects.rows.find((r) => r.condition === c && r.trait === t && r.context === context);
  const lines = [
    `% Effect matrix from Driftscope: context "${context.replace(/[\r\n]/g, " ")}", Delta versus ${control.replace(/[\r\n]/g, " ")} with 95% two-level bootstrap intervals.`,
    `\\begin{tabular}{l${"c".repeat(cols.length)}}`,
    "\\toprule",
    ` & ${cols.map((t) => texEscape(t.name)).join(" & ")} \\\\`,
    ` & ${cols.map((t) => `{\\footnotesize ${texEscape(ROLE_WORDS[t.role] ?? t.role)}}`).join(" & ")} \\\\`,
    "\\midrule",
  ];
  for (const c of conditions) {
    const cells = cols.map((t) => {
      const r = cell(c, t.trait);
      if (!r) return "--";
      if (c === control) return num(r.mean, digits);
      const excludes = r.deltaCiLow !== null && r.deltaCiHigh !== null && (r.deltaCiLow > 0 || r.deltaCiHigh < 0);
      return `${r.delta !== null && r.delta > 0 ? "$+$" : ""}${num(r.delta, digits)}${excludes ? "$^\\dagger$" : ""} {\\scriptsize [${num(r.deltaCiLow, digits)}, ${num(r.deltaCiHigh, digits)}]}`;
    });
    lines.push(`${texEscape(c)}${c === control ? " (control)" : ""} & ${cells.join(" & ")} \\\\`);
  }
  lines.push("\\bottomrule", "\\end{tabular}", "");
  return lines.join("\n");
}
