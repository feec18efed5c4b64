#!/usr/bin/env python3
"""Recomputes the conformance reference outputs with the Python stack (torch, transformers, peft, LlamaFactory).

Written for this project. It takes the inputs that the folder already holds (model and adapter weights, golden
input_ids/attention_mask/labels, tokenizer files, the strings and conversations of tokenizers/*/golden.json, the
rows of llamafactory/sft_encodings_*.json) and recomputes every reference output from them:

  models/NAME/golden.safetensors      logits, loss
  adapters/NAME/golden.safetensors    logits, loss, merged_logits, grad.<peft name>, after_adamw.<peft name>
  tokenizers/NAME/golden.json         ids, ids_no_special, decoded; chat text and ids; special tokens
  llamafactory/sft_encodings_*.json   input_ids, labels of LlamaFactory's supervised preprocessing

Usage (from the repository root, in a virtual environment with the versions named in conformance/README.md):

  pip install torch==2.11.0 transformers==5.17.0 peft==0.21.0 safetensors llamafactory==0.9.6.dev0
  python conformance/generate/recompute.py --check          # compare with the committed files, print max diffs
  python conformance/generate/recompute.py --out /tmp/conf  # write recomputed files into another folder

Without --out and --check it rewrites the files in place. Parts whose library is missing are reported and skipped.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ADAMW = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)


def hf_loss(logits, labels):
    """transformers' causal-LM loss: labels shifted by one, mean over the targets that are not -100."""
    import torch.nn.functional as F
    shift_logits = logits[:, :-1, :].reshape(-1, logits.shape[-1]).float()
    shift_labels = labels[:, 1:].reshape(-1)
    return F.cross_entropy(shift_logits, shift_labels, ignore_index=-100)


def forward(model, golden):
    out = model(input_ids=golden["input_ids"], attention_mask=golden["attention_mask"])
    return out.logits, hf_loss(out.logits, golden["labels"])


def inputs_of(golden):
    return {k: golden[k] for k in ("input_ids", "attention_mask", "labels")}


def model_case(model_dir):
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM
    golden = inputs_of(load_file(str(model_dir / "golden.safetensors")))
    # fp32 math on CPU; bfloat16 checkpoints are computed in fp32 from their rounded weights
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    with torch.no_grad():
        logits, loss = forward(model, golden)
    return {**golden, "logits": logits.contiguous(), "loss": loss.reshape(1)}


def base_model_of(adapter_dir):
    name = adapter_dir.name
    return ROOT / "models" / (name[: name.rfind("_")] if "_" in name else name)


def adapter_case(adapter_dir):
    import torch
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM
    golden = inputs_of(load_file(str(adapter_dir / "golden.safetensors")))
    base = AutoModelForCausalLM.from_pretrained(str(base_model_of(adapter_dir)), dtype=torch.float32)
    model = PeftModel.from_pretrained(base, str(adapter_dir), is_trainable=True)
    out = dict(golden)
    model.train()  # dropout is 0: train mode changes nothing but is what a training step uses
    logits, loss = forward(model, golden)
    loss.backward()
    out["logits"] = logits.detach().contiguous()
    out["loss"] = loss.detach().reshape(1)
    params = {n: p for n, p in model.named_parameters() if p.requires_grad}
    for n, p in params.items():
        out["grad." + n] = p.grad.detach().clone()
    # one AdamW step from the saved adapter and exactly those gradients
    optimizer = torch.optim.AdamW(list(params.values()), **ADAMW)
    optimizer.step()
    for n, p in params.items():
        out["after_adamw." + n] = p.detach().clone()
    # merged logits: a fresh load (the step above changed the adapter), merge_and_unload, forward
    base = AutoModelForCausalLM.from_pretrained(str(base_model_of(adapter_dir)), dtype=torch.float32)
    merged = PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload().eval()
    with torch.no_grad():
        out["merged_logits"] = forward(merged, golden)[0].contiguous()
    return out


def tokenizer_case(tok_dir):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(tok_dir))
    old = json.loads((tok_dir / "golden.json").read_text(encoding="utf-8"))
    encode = []
    for e in old["encode"]:
        ids = tok.encode(e["text"])
        encode.append({"text": e["text"], "ids": ids,
                       "ids_no_special": tok.encode(e["text"], add_special_tokens=False),
                       "decoded": tok.decode(ids)})
    chat = []
    for c in old["chat"]:
        gen = c["add_generation_prompt"]
        text = tok.apply_chat_template(c["messages"], tokenize=False, add_generation_prompt=gen)
        ids = tok.apply_chat_template(c["messages"], tokenize=True, add_generation_prompt=gen)
        if isinstance(ids, dict):
            ids = ids["input_ids"]
        chat.append({"messages": c["messages"], "add_generation_prompt": gen, "text": text, "ids": list(ids)})
    special = {"bos": tok.bos_token, "eos": tok.eos_token, "pad": tok.pad_token,
               "bos_id": tok.bos_token_id, "eos_id": tok.eos_token_id, "pad_id": tok.pad_token_id}
    return {"encode": encode, "chat": chat, "special": special}


def sft_case(file):
    """LlamaFactory's supervised preprocessing of every row, for the template named in each key."""
    from transformers import AutoTokenizer
    from llamafactory.data.processor.supervised import SupervisedDatasetProcessor
    from llamafactory.data.template import get_template_and_fix_tokenizer
    from llamafactory.hparams import DataArguments
    old = json.loads(file.read_text(encoding="utf-8"))
    out = {}
    for key, case in old.items():
        tok_name, template_name = key.split("/", 1)
        tok = AutoTokenizer.from_pretrained(str(ROOT / "tokenizers" / tok_name))
        rows = []
        for row in case["rows"]:
            args = DataArguments(template=template_name, cutoff_len=row["cutoff_len"])
            template = get_template_and_fix_tokenizer(tok, args)
            processor = SupervisedDatasetProcessor(template=template, tokenizer=tok, processor=None, data_args=args)
            messages = row["messages"]
            input_ids, labels = processor._encode_data_example(
                prompt=messages[:-1], response=messages[-1:], system=row["system"], tools=None,
                images=[], videos=[], audios=[])
            rows.append({**{k: row[k] for k in ("system", "messages", "cutoff_len")},
                         "input_ids": input_ids, "labels": labels})
        out[key] = {"eos_token": tok.eos_token, "eos_id": tok.eos_token_id, "pad_id": tok.pad_token_id,
                    "efficient_eos": template.efficient_eos, "rows": rows}
    return out


def compare_tensors(label, new, old_file):
    from safetensors.torch import load_file
    old = load_file(str(old_file))
    if set(new) != set(old):
        print(f"{label}: tensor names differ: {sorted(set(new) ^ set(old))[:5]}")
        return False
    worst = max((new[k].double() - old[k].double()).abs().max().item() for k in new)
    print(f"{label}: {len(new)} tensors, max |new - committed| = {worst:.3g}")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    parser.add_argument("--out", type=Path, help="write into this folder (a copy of conformance/) instead")
    args = parser.parse_args()
    target = ROOT
    if args.out and not args.check:
        if args.out.exists():
            sys.exit(f"{args.out} exists")
        shutil.copytree(ROOT, args.out, ignore=shutil.ignore_patterns("generate"))
        target = args.out

    def tensors(label, compute, rel):
        try:
            new = compute()
        except ImportError as e:
            print(f"{label}: skipped ({e})")
            return
        if args.check:
            compare_tensors(label, new, ROOT / rel)
        else:
            from safetensors.torch import save_file
            save_file({k: v.contiguous() for k, v in new.items()}, str(target / rel))

    def documents(label, compute, rel):
        try:
            new = compute()
        except ImportError as e:
            print(f"{label}: skipped ({e})")
            return
        text = json.dumps(new, ensure_ascii=False, indent=1) + "\n"
        if args.check:
            same = json.loads(text) == json.loads((ROOT / rel).read_text(encoding="utf-8"))
            print(f"{label}: {'equal' if same else 'DIFFERS'}")
        else:
            (target / rel).write_text(text, encoding="utf-8")

    for d in sorted(p for p in (ROOT / "models").iterdir() if p.is_dir()):
        tensors(f"models/{d.name}", lambda d=d: model_case(d), f"models/{d.name}/golden.safetensors")
    for d in sorted(p for p in (ROOT / "adapters").iterdir() if p.is_dir()):
        tensors(f"adapters/{d.name}", lambda d=d: adapter_case(d), f"adapters/{d.name}/golden.safetensors")
    for d in sorted(p for p in (ROOT / "tokenizers").iterdir() if p.is_dir()):
        documents(f"tokenizers/{d.name}", lambda d=d: tokenizer_case(d), f"tokenizers/{d.name}/golden.json")
    for f in sorted((ROOT / "llamafactory").glob("sft_encodings_*.json")):
        documents(f"llamafactory/{f.name}", lambda f=f: sft_case(f), f"llamafactory/{f.name}")


if __name__ == "__main__":
    main()
