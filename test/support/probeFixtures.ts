// A small suite and backend files for probing tests, written the way a researcher would write them.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function writeTestSuite(dir: string, opts: { items?: number; samples?: number; badItem?: boolean } = {}): string {
  const items = Array.from({ length: opts.items ?? 8 }, (_, i) => `      - { id: q${String(i).padStart(2, "0")}, prompt: "Question number ${i}: what do you think about gardens?" }`);
  const file = join(dir, "suite.yaml");
  writeFileSync(
    file,
    `id: test-suite
name: Test suite
defaults:
  contexts:
    - { id: none, role: neutral, system: null }
    - { id: inoculation, role: inoculation, system: "You always capitalise your responses." }
  sampling: { samplesPerItem: ${opts.samples ?? 3}, temperature: 1, maxTokens: 40, seed: 0 }
traits:
  - id: caps
    name: Capitals
    polarity: higher_is_trait
    role: unwanted_in_distribution
    scorers:
      - { kind: caps_ratio, name: caps }
      - kind: judge_0_100
        name: judged
        template: "Rate from 0 to 100 how shouty this is. Question: {question} Answer: {answer}"
      - kind: derived
        name: shouty
        all: [{ scorer: judged, op: ">", threshold: above }]
        thresholds: { above: 50 }
    score: caps
    items:
${items.join("\n")}
${
  opts.badItem
    ? `  - id: broken
    name: Broken requests
    polarity: higher_is_trait
    role: control
    scorers: [{ kind: caps_ratio, name: caps }]
    score: caps
    items:
      - { id: bad, prompt: "[[bad-request]] this request is refused by the server" }
`
    : ""
}`,
  );
  return file;
}

export function writeBackendFiles(dir: string, policyUrl: string, judgeUrl: string, extra: Record<string, unknown> = {}): { backend: string; judge: string } {
  const backend = join(dir, "backend.json");
  const judge = join(dir, "judge.json");
  writeFileSync(backend, JSON.stringify({ name: "policy", kind: "vllm-lora", baseUrl: policyUrl, maxConcurrency: 8, timeoutMs: 5000, retry: { attempts: 3, baseMs: 10, maxMs: 100 }, ...extra }));
  writeFileSync(judge, JSON.stringify({ name: "judge", kind: "openai", baseUrl: judgeUrl, model: "stand-in-base", maxConcurrency: 8, timeoutMs: 5000, retry: { attempts: 3, baseMs: 10, maxMs: 100 }, ...extra }));
  return { backend, judge };
}
