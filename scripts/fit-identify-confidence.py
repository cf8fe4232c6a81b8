#!/usr/bin/python3
"""Fits identify's confidence (docs/IDENTIFY.md "Confidence") and checks it.

    ACCORD_BENCH_CANDIDATES=fit.csv ACCORD_BENCH_SEED=14 build/tests/bench/bench_identify
    ACCORD_BENCH_CANDIDATES=check.csv ACCORD_BENCH_SEED=15 build/tests/bench/bench_identify
    scripts/fit-identify-confidence.py fit.csv check.csv

Logistic regression of "right" (the recording the query was cut from, or a piece of the same
track) on ln(onsets) and ln(landmarks), over the candidates near a match (at least 6 agreeing
landmarks in 4 onsets: every match, and the wrong recordings that came closest). Prints the
coefficients for audio/dsp/src/fingerprint_match.cpp, then, for each further file (queries not
used to fit), how often candidates and matches were right at each predicted probability.
"""

import sys

import numpy as np

MIN_LANDMARKS, MIN_ONSETS = 6, 4
BINS = [0, 0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0001]


def load(path):
    """The bench's CSV: a quoted condition (it may hold commas), then numbers."""
    lines = open(path).read().splitlines()
    header = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        fields = line.rsplit(",", len(header) - 1)
        rows.append({k: float(v) for k, v in zip(header[1:], fields[1:])})
    return rows


def near(rows):
    return [r for r in rows if r["landmarks"] >= MIN_LANDMARKS and r["onsets"] >= MIN_ONSETS]


def features(rows):
    onsets = np.array([r["onsets"] for r in rows])
    landmarks = np.array([r["landmarks"] for r in rows])
    return np.stack([np.ones_like(onsets), np.log(onsets), np.log(landmarks)], 1)


def fit(x, y, ridge=1e-2):
    """Newton's method on the log-likelihood, a little ridge so separable data stays finite."""
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + ridge * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + ridge * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    return w


def reliability(name, rows, w):
    y = np.array([r["right"] for r in rows])
    p = 1 / (1 + np.exp(-features(rows) @ w))
    print(f"{name}: {len(rows)}, {int(y.sum())} right")
    print("| predicted | count | mean predicted | right |\n|---|---|---|---|")
    for low, high in zip(BINS, BINS[1:]):
        m = (p >= low) & (p < high)
        if m.any():
            print(f"| {low:g}-{min(high, 1):g} | {m.sum()} | {p[m].mean():.3f} | {y[m].mean():.3f} |")


def main():
    train = near(load(sys.argv[1]))
    w = fit(features(train), np.array([r["right"] for r in train]))
    print(f"fitted on {len(train)} candidates: bias {w[0]:.3f}, per ln(onsets) {w[1]:.3f}, "
          f"per ln(landmarks) {w[2]:.3f}")
    for path in sys.argv[2:]:
        rows = load(path)
        reliability(f"{path}, candidates near a match", near(rows), w)
        reliability(f"{path}, matches", [r for r in rows if r["reported"]], w)


if __name__ == "__main__":
    main()
