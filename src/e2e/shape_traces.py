#!/usr/bin/env python3
"""Writes six request traces of shapes the evaluation suite does not have, as JSONL in seconds, and a seventh
in BurstGPT's CSV format.

    python3 src/e2e/shape_traces.py DIR
    ./headroom evaluate --trace DIR/spike.jsonl --report-dir /tmp/spike

Each is Poisson arrivals at a rate that follows its shape, with lognormal lengths (prompt mean 1,000,
sigma 1.0; output mean 250, sigma 0.8, as the suite's diurnal day) unless said otherwise. Deterministic: one
seed for all. The evaluation then sizes each by peak replicas (--peak-replicas, default 4).

  idle-gap    8 req/s for 10 min, nothing for 20 min, 8 req/s for 10 min again
  spike       6 req/s for 40 min with one 45 s spike at 8x (48 req/s) at 20 min
  step-down   24 req/s for 15 min, then 6 req/s for 25 min
  heavy-tail  6 req/s for 40 min; prompts mean 3,000, sigma 1.6; outputs mean 300, sigma 1.2
  sparse      0.3 req/s for 40 min, timestamps with decimals (superposed about a hundredfold when sized)
  sawtooth    a rise from 2 to 30 req/s over 15 min, then back to 2 at once, three times
  burstgpt    (burstgpt.csv) 3 req/s for 30 min in BurstGPT's columns, whole seconds since the start, 2 % of
              requests failed (0 response tokens), as BurstGPT_1.csv has them
"""
import json
import sys
from pathlib import Path

import numpy as np

rng = np.random.default_rng(7)
MAX_TOKENS = 100_000


def lognormal(mean, sigma, n):
    mu = np.log(mean) - sigma * sigma / 2
    return np.clip(np.round(rng.lognormal(mu, sigma, n)), 1, MAX_TOKENS).astype(int)


def poisson(rate, seconds):
    times = []
    for s in range(seconds):
        k = rng.poisson(rate(s))
        times.extend(s + rng.random(k))
    return np.sort(np.array(times))


def write(out, name, times, prompt=(1000, 1.0), output=(250, 0.8)):
    p = lognormal(*prompt, len(times))
    o = lognormal(*output, len(times))
    with open(out / (name + ".jsonl"), "w") as f:
        for t, a, b in zip(times, p, o):
            f.write(json.dumps({"timestamp": round(float(t), 3), "input_length": int(a), "output_length": int(b)}))
            f.write("\n")
    print(f"{name}: {len(times)} requests over {times[-1]:.0f} s")


def write_burstgpt(out, name, times, failed=0.02):
    p = lognormal(1000, 1.0, len(times))
    o = lognormal(250, 0.8, len(times))
    o[rng.random(len(times)) < failed] = 0
    with open(out / (name + ".csv"), "w") as f:
        f.write("Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n")
        for t, a, b in zip(times, p, o):
            f.write(f"{int(t)},ChatGPT,{a},{b},{a + b},Conversation log\n")
    print(f"{name}: {len(times)} requests over {times[-1]:.0f} s")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: shape_traces.py DIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    write(out, "idle-gap", poisson(lambda t: 8 if t < 600 or t >= 1800 else 0, 2400))
    write(out, "spike", poisson(lambda t: 48 if 1200 <= t < 1245 else 6, 2400))
    write(out, "step-down", poisson(lambda t: 24 if t < 900 else 6, 2400))
    write(out, "heavy-tail", poisson(lambda t: 6, 2400), prompt=(3000, 1.6), output=(300, 1.2))
    write(out, "sparse", poisson(lambda t: 0.3, 2400))
    write(out, "sawtooth", poisson(lambda t: 2 + 28 * ((t % 900) / 900), 2700))
    write_burstgpt(out, "burstgpt", poisson(lambda t: 3, 1800))


if __name__ == "__main__":
    main()
