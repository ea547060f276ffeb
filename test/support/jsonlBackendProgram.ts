// A program that speaks the `command` backend's JSON-lines protocol, as a user's custom stack would.
import { createInterface } from "node:readline";

const rl = createInterface({ input: process.stdin });
console.log("a stray line that is not protocol output");
rl.on("line", (line) => {
  const msg = JSON.parse(line) as { id: number; method: string; params: Record<string, unknown> };
  const reply = (result: unknown) => process.stdout.write(JSON.stringify({ id: msg.id, result }) + "\n");
  switch (msg.method) {
    case "prepare":
      return reply({ model: `custom-${(msg.params.checkpoint as { step?: number } | null)?.step ?? "judge"}` });
    case "release":
      return reply({});
    case "capabilities":
      return reply({ models: ["custom"], honoursN: true, maxTopLogprobs: 20 });
    case "generate": {
      const p = msg.params as { model: string; n: number; messages: { content: string }[]; top_logprobs?: number };
      if (p.messages.some((m) => m.content.includes("[[fail]]"))) {
        return process.stdout.write(JSON.stringify({ id: msg.id, error: { message: "cannot answer that" } }) + "\n");
      }
      // Answer out of order now and then: the protocol matches answers by id.
      const answer = () =>
        reply({
          completions: Array.from({ length: p.n }, (_, i) => ({
            text: `${p.model} answer ${i}`,
            top_logprobs: p.top_logprobs ? [{ token: "42", logprob: -0.1 }, { token: "43", logprob: -2.5 }] : undefined,
          })),
        });
      return msg.id % 3 === 0 ? setTimeout(answer, 20) : answer();
    }
  }
});
