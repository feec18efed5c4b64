#!/usr/bin/env python3
"""Generates the reference cases of SimilarityCasesTest (written for this project).

For random prediction/label pairs mixing dictionary words, out-of-vocabulary Chinese characters, punctuation,
English, digits and whitespace, it records what LLaMA-Factory's ComputeSimilarity computes:
  - jieba 0.42.1 tokens of both texts (list(jieba.cut(text)));
  - NLTK sentence_bleu([list(label)], list(pred), smoothing_function=SmoothingFunction().method3);
  - ROUGE-1/2/L F as rouge_chinese 1.0.3 defines it (re-implemented below from its documented behaviour, since the
    package is not on this machine: sentence cut, distinct n-grams, summary-level LCS, F = 2pr/(p+r+1e-8));
  - the per-sample round(v * 100, 4) values and their np.mean.

Needs python3 with jieba, nltk and numpy (Debian: python3-jieba python3-nltk python3-numpy). Run from the repository
root:  python3 llamafactory-data/tools/metrics/generate_similarity_cases.py
Output: llamafactory-data/src/test/resources/metrics/similarity_cases.jsonl (one case per line, then a final line
with the averages). Deterministic (fixed seed).
"""
import itertools
import json
import logging
import os
import random
import re

import jieba
import numpy as np
from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu

jieba.setLogLevel(logging.CRITICAL)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "test", "resources", "metrics",
                   "similarity_cases.jsonl")
rng = random.Random(20250611)


# ---------------------------------------------------------------------------------------------------------------
# rouge_chinese semantics
# ---------------------------------------------------------------------------------------------------------------
def sentences(text):
    for pattern, repl in ((r"([。！？\?])([^”’])", "\\1\n\\2"), (r"(\.{6})([^”’])", "\\1\n\\2"),
                          (r"(…{2})([^”’])", "\\1\n\\2"), (r"([。！？\?][”’])([^，。！？\?])", "\\1\n\\2")):
        text = re.sub(pattern, repl, text)
    return [" ".join(piece.split()) for piece in text.rstrip().split("\n") if piece]


def distinct_ngrams(words, n):
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def lcs_length(a, b):
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal = 0
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def f_measure(p, r):
    return 2.0 * ((p * r) / (p + r + 1e-8))


def rouge_f(hyp_text, ref_text):
    hyp = list(itertools.chain.from_iterable(s.split(" ") for s in sentences(hyp_text)))
    ref = list(itertools.chain.from_iterable(s.split(" ") for s in sentences(ref_text)))
    scores = {}
    for n in (1, 2):
        h, r = distinct_ngrams(hyp, n), distinct_ngrams(ref, n)
        overlap = len(h & r)
        p = 0.0 if not h else overlap / len(h)
        rec = 0.0 if not r else overlap / len(r)
        scores["rouge-%d" % n] = f_measure(p, rec)
    lcs = lcs_length(ref, hyp)
    scores["rouge-l"] = f_measure(lcs / len(hyp), lcs / len(ref))
    return scores


# ---------------------------------------------------------------------------------------------------------------
# random texts
# ---------------------------------------------------------------------------------------------------------------
DICT = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
words, weights = [], []
with open(DICT, encoding="utf-8") as f:
    for line in f:
        word, freq = line.split(" ")[:2]
        words.append(word)
        weights.append(int(freq))
cumulative = list(itertools.accumulate(weights))
PUNCT = list("，。！？、；：“”‘’（）《》…—·.?!,;:") + ["......", "……", "。”"]
LATIN = ["Hello", "world", "the", "model", "LLaMA", "Factory", "fine-tuning", "GPU", "3.14", "100%", "v2.0",
         "AT&T", "C++", "e-mail", "x86_64", "Qwen2.5", "OK", "iPhone", "A股", "ｈｅｌｌｏ"]
SPACES = [" ", "  ", "\n", "\t", "\r\n", "\u3000", "\n\n"]


def piece():
    r = rng.random()
    if r < 0.5:
        return rng.choices(words, cum_weights=cumulative)[0]
    if r < 0.62:
        return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(1, 5)))
    if r < 0.74:
        return rng.choice(PUNCT)
    if r < 0.86:
        return rng.choice(LATIN)
    if r < 0.93:
        return rng.choice(SPACES)
    return str(rng.randint(0, 99999)) + rng.choice(["", "%", ".5", "元"])


def text(n):
    return "".join(piece() for _ in range(n))


def pair():
    label = text(rng.randint(1, 40))
    r = rng.random()
    if r < 0.4:
        chars = list(label)
        for _ in range(rng.randint(0, 6)):
            if chars:
                chars[rng.randrange(len(chars))] = rng.choice(words)[0]
        return "".join(chars), label
    if r < 0.45:
        return label, label
    if r < 0.5:
        return rng.choice(["", " ", "\n"]), label
    return text(rng.randint(1, 40)), label


def main():
    scores = {"rouge-1": [], "rouge-2": [], "rouge-l": [], "bleu-4": []}
    with open(OUT, "w", encoding="utf-8") as out:
        for _ in range(200):
            predict, label = pair()
            hyp, ref = list(jieba.cut(predict)), list(jieba.cut(label))
            if not " ".join(hyp).split() or not " ".join(ref).split():
                rouge = {"rouge-1": 0.0, "rouge-2": 0.0, "rouge-l": 0.0}
            else:
                rouge = rouge_f(" ".join(hyp), " ".join(ref))
            bleu = float(sentence_bleu([list(label)], list(predict), smoothing_function=SmoothingFunction().method3))
            case = {"predict": predict, "label": label, "predict_tokens": hyp, "label_tokens": ref, "bleu": bleu}
            case.update(rouge)
            for key, value in list(rouge.items()) + [("bleu-4", bleu)]:
                rounded = round(value * 100, 4)
                scores[key].append(rounded)
                case[key + "_x100"] = rounded
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
        out.write(json.dumps({"averages": {k: float(np.mean(v)) for k, v in scores.items()}}) + "\n")


if __name__ == "__main__":
    main()
