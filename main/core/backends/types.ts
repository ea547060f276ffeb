// What every inference backend provides: completions for a checkpoint, optionally with first-token logprobs.

/** One of the top next-token alternatives a server returns, with its natural-log probability. */
export interface TopLogprob {
  token: string;
  logprob: number;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  /** Completions wanted for this prompt. */
  n: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  seed?: number;
  /** Ask for this many top logprobs of the first generated token. */
  topLogprobs?: number;
}

export interface Completion {
  text: string;
  /** Top logprobs of the first generated token, where asked for. */
  topLogprobs?: TopLogprob[];
  tokens?: number;
  latencyMs: number;
}

/** The checkpoint a backend is asked to serve. */
/** What a backend is prepared as: the probed model, or the judge of the probed model's samples. */
export type BackendRole = "policy" | "judge";

export interface CheckpointTarget {
  run: string;
  step: number;
  /** The checkpoint folder. */
  path: string;
  kind: "full" | "lora" | "other";
}

/** What a backend needs to address a prepared checkpoint (e.g. the model name of a loaded adapter). */
export interface Prepared {
  model: string;
  release(): Promise<void>;
}

export interface Capabilities {
  models: string[];
  /** The server returns n choices when asked (vLLM does; Ollama and TGI ignore n). */
  honoursN: boolean;
  /** The most top_logprobs the server returns (0 when it returns none). */
  maxTopLogprobs: number;
  notes: string[];
  /**
   * The capability check's request was refused for a reason other than a parameter (a 4xx that does not name n or
   * logprobs, e.g. an unknown or unfilled model name): the server's own answer, so the verdict can name the fix.
   */
  refused?: string;
}

/** A request to project hidden states onto a persona vector (the activation worker's `project` method). */
export interface ProjectRequest {
  /** A torch.save'd float tensor of shape [layers + 1, hidden], index 0 the embedding output. */
  vector: string;
  /** Hidden-state index: 0 is the embeddings, L the output of decoder block L - 1. */
  layer: number;
  /** The base model's folder, for the fine-tuning shift (its projection at the last prompt token). */
  base: string | null;
  samples: { messages: ChatMessage[]; response: string }[];
}

/** One sample's projections onto v[L] / ||v[L]||, and the library versions that computed them. */
export interface Projection {
  /** Mean over the response tokens; null for an empty response. */
  responseAvg: number | null;
  /** At the last prompt token. */
  promptLast: number;
  /** The base model's, at the same position (when a base was given). */
  basePromptLast: number | null;
  versions: Record<string, string>;
}

export interface Backend {
  readonly name: string;
  readonly kind: string;
  /** Requests it will have in flight at most: how much work the scheduler keeps ready for it. */
  readonly maxConcurrency: number;
  /** Requests it may grow to in flight (over all replicas) when it finds its servers' capacity; else maxConcurrency. */
  readonly concurrencyCeiling?: number;
  /**
   * Requests it takes at once now (over all replicas), where that is found from its servers' answers: the scheduler
   * keeps work ready for this many rather than for the ceiling, since each unit waiting for a place holds its
   * request in memory (with work kept ready for a ceiling of 1,024 against 256 places, the client promoted twice
   * as much to V8's old generation). Absent: maxConcurrency.
   */
  readonly capacity?: number;
  /**
   * Readies a checkpoint (loads an adapter, starts a server, or nothing); release() undoes it, always. As the judge
   * ("judge" role) the target is the checkpoint whose samples are judged: its {run}, {step} and {checkpoint} fill the
   * backend's templates, but nothing is loaded into the judge for it.
   */
  prepare(target: CheckpointTarget | null, role?: BackendRole): Promise<Prepared>;
  generate(prepared: Prepared, request: GenerateRequest, signal?: AbortSignal): Promise<Completion[]>;
  /** Projections of hidden states onto a persona vector; only backends that run the model in-process have it. */
  project?(prepared: Prepared, request: ProjectRequest, signal?: AbortSignal): Promise<Projection[]>;
  /** Reachability and capabilities, for `driftscope doctor` and "test connection". */
  detect(target?: CheckpointTarget | null): Promise<Capabilities>;
  close(): Promise<void>;
}

export function fillModelTemplate(template: string, target: CheckpointTarget | null): string {
  if (!target) return template;
  return template.replaceAll("{run}", target.run).replaceAll("{step}", String(target.step)).replaceAll("{checkpoint}", target.path);
}
