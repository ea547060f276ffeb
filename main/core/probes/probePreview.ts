// What probing a run with some suites would ask of the servers, before it starts: each trait with its role, items,
// samples per item and eval contexts (with their system prompts), and the requests per checkpoint it adds to the
// policy server and to the judge. Read without saving anything: a built-in suite is loaded, a stored one is found.
import type { ProbePreview } from "../../../shared/views.js";
import type { ProbeStore } from "../store/probeStore.js";
import { namedSuite, refuseSuitePath } from "./probeConfig.js";
import { resolveContext } from "./runVariables.js";
import { scorerKind } from "./scorers/registry.js";
import type { Trait } from "./suiteSchema.js";

/** A suite the app may name: a built-in id or a suite in the workspace (key, or key@version). Never a file path:
 * the page does not get to make the core read files by name. Nothing is saved. */
export async function suiteTraits(probes: ProbeStore, ref: string): Promise<{ key: string; version: string; traits: Trait[] }> {
  refuseSuitePath(ref);
  const named = await namedSuite(probes, ref);
  if (named && "builtin" in named) return { key: named.key, version: named.builtin.version, traits: named.builtin.suite.traits };
  if (named) return { key: named.stored.key, version: named.stored.version, traits: named.stored.traits.map((t) => t.trait) };
  throw new Error(`suite "${ref}" is neither a built-in suite nor one in this workspace`);
}

/** With a run's variables, each context's system prompt is the text that run is probed with ({var.NAME} filled in),
 * and a context the run cannot use says which variables it lacks. */
export function previewTraits(suites: { key: string; version: string; traits: Trait[] }[], variables?: Record<string, string>, withItems = false): ProbePreview {
  const traits = suites.flatMap((s) =>
    s.traits.map((t) => {
      const samples = t.items.length * t.sampling.samplesPerItem;
      const judged = t.scorers.filter((sc) => scorerKind(sc.kind).needs === "judge").length;
      return {
        suite: `${s.key}@${s.version}`,
        trait: t.id,
        name: t.name,
        role: t.role,
        items: t.items.length,
        samplesPerItem: t.sampling.samplesPerItem,
        contexts: t.contexts.map((c) => {
          if (!variables) return { key: c.id, role: c.role, system: c.system };
          const r = resolveContext(c, variables);
          return r.context ? { key: c.id, role: c.role, system: r.context.system } : { key: c.id, role: c.role, system: c.system, missing: r.missing };
        }),
        requests: samples * t.contexts.length,
        judgeRequests: samples * t.contexts.length * judged,
        ...(withItems ? { itemTexts: t.items.map((i) => ({ id: i.id, prompt: i.prompt, ...(i.system ? { system: i.system } : {}) })), scorers: t.scorers.map((sc) => `${sc.name} (${sc.kind})`) } : {}),
      };
    }),
  );
  return { traits, requests: traits.reduce((n, t) => n + t.requests, 0), judgeRequests: traits.reduce((n, t) => n + t.judgeRequests, 0) };
}
