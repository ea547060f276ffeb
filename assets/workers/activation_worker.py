#!/usr/bin/env python3
"""Driftscope's activation worker: a `command` backend that generates with transformers and projects hidden states
onto persona vectors.

Run it as a command backend's program (`python3 assets/workers/activation_worker.py`). It speaks the command
backend's JSON-lines protocol on stdin/stdout (see the README): `capabilities`, `prepare`, `release`, `generate`, and
one more method, `project`:

  {"id": 7, "method": "project", "params": {"model": "/path/to/checkpoint", "vector": "/path/evil_response_avg_diff.pt",
   "layer": 20, "base": "/path/to/base" | null, "samples": [{"messages": [...], "response": "..."}]}}
  -> {"id": 7, "result": {"projections": [{"response_avg": 1.3, "prompt_last": -0.2, "base_prompt_last": -0.5}],
      "versions": {...}}}

The math follows the persona-vectors code: the prompt is the chat template with the generation prompt, the text
`prompt + response` is tokenised without special tokens, and with hidden-state index L (index 0 is the embedding
output, so index L is the output of decoder block L - 1) `response_avg` is the mean hidden state over the response
tokens and `prompt_last` the hidden state at the last prompt token, each projected onto v[L] / ||v[L]||. With a base
model, `base_prompt_last` is the base model's projection at the same position: the fine-tuning shift of a
checkpoint is the mean of `prompt_last - base_prompt_last` (projection is linear, so this is the mean last-prompt-token
hidden state of the checkpoint minus the base model's, projected onto the vector).

Nothing is downloaded: models are loaded from local folders only.
"""
import json
import os
import platform
import sys
import traceback

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: E402

MAX_TOP_LOGPROBS = 20
_models = {}
_vectors = {}


class RequestError(Exception):
    """An error in the request itself (not retryable)."""


def versions():
    return {"python": platform.python_version(), "torch": torch.__version__, "transformers": transformers.__version__, "worker": "1"}


def load(path):
    if not isinstance(path, str) or not path:
        raise RequestError("no model: prepare a checkpoint, or give the backend's model as a local folder")
    if path not in _models:
        if not os.path.isdir(path):
            raise RequestError(f"model folder {path} does not exist")
        tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype=torch.float32)
        model.eval()
        _models[path] = (model, tok)
    return _models[path]


def vector(path, model, layer):
    if path not in _vectors:
        if not os.path.isfile(path):
            raise RequestError(f"vector file {path} does not exist")
        v = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(v, torch.Tensor) or v.dim() != 2:
            raise RequestError(f"vector file {path}: expected a tensor of shape [layers + 1, hidden], got {getattr(v, 'shape', type(v).__name__)}")
        _vectors[path] = v.float()
    v = _vectors[path]
    layers = model.config.num_hidden_layers
    if v.shape[0] != layers + 1 or v.shape[1] != model.config.hidden_size:
        raise RequestError(f"vector file {path}: shape {list(v.shape)} does not fit the model ([{layers + 1}, {model.config.hidden_size}]: layers + 1, hidden)")
    if not 0 <= layer <= layers:
        raise RequestError(f"layer {layer} is outside 0..{layers} (0 is the embedding output)")
    direction = v[layer]
    norm = direction.norm()
    if norm == 0:
        raise RequestError(f"vector file {path}: v[{layer}] is zero")
    return direction / norm


def prompt_text(tok, messages):
    return tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)


@torch.no_grad()
def hidden_at(model, tok, messages, response, layer):
    prompt = prompt_text(tok, messages)
    prompt_len = len(tok(prompt, add_special_tokens=False).input_ids)
    ids = tok(prompt + response, add_special_tokens=False, return_tensors="pt").input_ids
    out = model(ids, output_hidden_states=True)
    h = out.hidden_states[layer][0]
    return h, prompt_len


def project(params):
    model, tok = load(params.get("model"))
    layer = int(params["layer"])
    direction = vector(params["vector"], model, layer)
    base = params.get("base")
    base_model = load(base) if base else None
    out = []
    for s in params["samples"]:
        h, plen = hidden_at(model, tok, s["messages"], s.get("response", ""), layer)
        response = h[plen:]
        row = {
            "response_avg": float(response.mean(0) @ direction) if response.shape[0] > 0 else None,
            "prompt_last": float(h[plen - 1] @ direction),
        }
        if base_model is not None:
            bh, bplen = hidden_at(base_model[0], base_model[1], s["messages"], "", layer)
            row["base_prompt_last"] = float(bh[bplen - 1] @ direction)
        out.append(row)
    return {"projections": out, "versions": versions()}


@torch.no_grad()
def generate(params):
    model, tok = load(params.get("model"))
    prompt = prompt_text(tok, params["messages"])
    ids = tok(prompt, add_special_tokens=False, return_tensors="pt").input_ids
    n = max(1, int(params.get("n") or 1))
    temperature = float(params.get("temperature") or 0)
    top_k = int(params.get("top_logprobs") or 0)
    completions = []
    for i in range(n):
        if params.get("seed") is not None:
            torch.manual_seed(int(params["seed"]) + i)
        sample = temperature > 0
        gen = model.generate(
            ids,
            max_new_tokens=max(1, int(params.get("max_tokens") or 16)),
            do_sample=sample,
            temperature=temperature if sample else None,
            top_p=float(params.get("top_p") or 1) if sample else None,
            top_k=None,
            output_scores=True,
            return_dict_in_generate=True,
            pad_token_id=tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id,
        )
        new = gen.sequences[0, ids.shape[1]:]
        c = {"text": tok.decode(new, skip_special_tokens=True), "tokens": int(new.shape[0])}
        if top_k > 0:
            # The first generated token's distribution, before sampling settings reshape it.
            logprobs = torch.log_softmax(model(ids).logits[0, -1].float(), dim=-1)
            values, indices = logprobs.topk(min(top_k, MAX_TOP_LOGPROBS))
            c["top_logprobs"] = [{"token": tok.decode([int(t)]), "logprob": float(v)} for v, t in zip(values, indices)]
        completions.append(c)
    return {"completions": completions}


def handle(method, params):
    if method == "capabilities":
        return {"models": sorted(_models), "honoursN": True, "maxTopLogprobs": MAX_TOP_LOGPROBS, "project": True, "versions": versions()}
    if method == "prepare":
        target = params.get("checkpoint")
        path = target["path"] if target else params.get("model")
        load(path)
        return {"model": path}
    if method == "release":
        _models.pop(params.get("model"), None)
        return {}
    if method == "generate":
        return generate(params)
    if method == "project":
        return project(params)
    raise RequestError(f"unknown method {method!r}")


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        rid = None
        try:
            msg = json.loads(line)
            rid = msg.get("id")
            result = handle(msg.get("method"), msg.get("params") or {})
            reply = {"id": rid, "result": result}
        except RequestError as e:
            reply = {"id": rid, "error": {"message": str(e), "retryable": False}}
        except Exception as e:  # a bug or a bad file: said, and the worker stays up for the next request
            reply = {"id": rid, "error": {"message": f"{type(e).__name__}: {e}", "retryable": False, "trace": traceback.format_exc(limit=3)}}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
