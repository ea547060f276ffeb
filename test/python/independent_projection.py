"""An independent computation of persona-vector projections, for checking the activation worker.

Where the worker reads `hidden_states[L]` from the model's output, this captures the residual stream with forward
hooks: the output of decoder block L - 1 (L < number of layers), or the final norm's output for the last index (as
transformers reports its last hidden state), or the embedding output for L = 0. It builds the token ids itself from
the tokenizer's chat template. Reads JSON on stdin:
  {"model": DIR, "base": DIR | null, "vector": FILE, "layer": L, "samples": [{"messages": [...], "response": "..."}]}
and prints [{"response_avg", "prompt_last", "base_prompt_last"}] on stdout.
"""
import json
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


_loaded = {}


def load(model_dir):
    if model_dir not in _loaded:
        tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True, dtype=torch.float32).eval()
        _loaded[model_dir] = (tok, model)
    return _loaded[model_dir]


def capture(model_dir, messages, response, layer):
    tok, model = load(model_dir)
    n = model.config.num_hidden_layers
    if layer == 0:
        module = model.get_input_embeddings()
    elif layer < n:
        module = model.model.layers[layer - 1]
    else:
        module = model.model.norm
    seen = {}

    def hook(_m, _inp, out):
        seen["h"] = (out[0] if isinstance(out, tuple) else out).detach()

    handle = module.register_forward_hook(hook)
    prompt_ids = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
    if hasattr(prompt_ids, "input_ids"):
        prompt_ids = prompt_ids["input_ids"]
    prompt = tok.decode(prompt_ids)
    ids = tok.encode(prompt + response, add_special_tokens=False)
    plen = len(tok.encode(prompt, add_special_tokens=False))
    with torch.no_grad():
        model(torch.tensor([ids]))
    handle.remove()
    return seen["h"][0], plen


def main():
    req = json.load(sys.stdin)
    v = torch.load(req["vector"], weights_only=True).float()
    d = v[req["layer"]] / v[req["layer"]].norm()
    out = []
    for s in req["samples"]:
        h, plen = capture(req["model"], s["messages"], s["response"], req["layer"])
        row = {"response_avg": float(h[plen:].mean(0) @ d) if h.shape[0] > plen else None, "prompt_last": float(h[plen - 1] @ d)}
        if req.get("base"):
            bh, bplen = capture(req["base"], s["messages"], "", req["layer"])
            row["base_prompt_last"] = float(bh[bplen - 1] @ d)
        out.append(row)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
