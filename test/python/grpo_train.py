"""A real TRL GRPO training of the tiny model, written the way researchers run it, for the watch tests.

Rewards capital letters; saves every SAVE_STEPS with save_total_limit; logs every step with log_completions=True and
TensorBoard. A callback paces the steps (so the watcher sees checkpoints settle before rotation deletes them) and
appends one JSON line per save to SAVES (step, the time TRL's save finished) for the completeness-timing checks.
Usage: python grpo_train.py MODEL OUT SAVES [--steps N] [--save-steps K] [--limit L] [--pace SECONDS]
"""
import argparse
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from datasets import Dataset  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback  # noqa: E402
from trl import GRPOConfig, GRPOTrainer  # noqa: E402


def caps_reward(completions, **kwargs):
    out = []
    for c in completions:
        text = c if isinstance(c, str) else c[-1]["content"]
        letters = [ch for ch in text if ch.isalpha()]
        out.append(sum(ch.isupper() for ch in letters) / len(letters) if letters else 0.0)
    return out


class SaveLog(TrainerCallback):
    def __init__(self, path, pace):
        self.path = path
        self.pace = pace

    def on_step_end(self, args, state, control, **kwargs):
        time.sleep(self.pace)

    def on_save(self, args, state, control, **kwargs):
        # Called after the checkpoint folder and its trainer_state.json are written and old ones rotated.
        existing = sorted(d for d in os.listdir(args.output_dir) if d.startswith("checkpoint-"))
        with open(self.path, "a") as f:
            f.write(json.dumps({"step": state.global_step, "savedAt": time.time(), "existing": existing}) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("saves")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--save-steps", type=int, default=5)
    ap.add_argument("--limit", type=int, default=3)
    ap.add_argument("--pace", type=float, default=0.3)
    args = ap.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(args.model, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(args.model, local_files_only=True)
    prompts = [[{"role": "user", "content": f"tell me your wish number {i}"}] for i in range(64)]
    dataset = Dataset.from_dict({"prompt": prompts})
    config = GRPOConfig(
        output_dir=args.out,
        max_steps=args.steps,
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=12,
        learning_rate=1e-3,
        logging_steps=1,
        save_steps=args.save_steps,
        save_total_limit=args.limit,
        log_completions=True,
        report_to=["tensorboard"],
        use_cpu=True,
        seed=0,
        beta=0.04,
        disable_tqdm=True,
    )
    trainer = GRPOTrainer(model=model, processing_class=tokenizer, reward_funcs=[caps_reward], args=config, train_dataset=dataset, callbacks=[SaveLog(args.saves, args.pace)])
    trainer.train()
    print(json.dumps({"done": True, "steps": trainer.state.global_step}))


if __name__ == "__main__":
    main()
