"""The backtest engine's workload in numpy: the peer `research bench backtest --peer` times in the same run.

An idiomatic day loop over vectorised assets, as a careful numpy user would write it: the same market and the same
target weights as the C# run (read from the files the benchmark wrote), the same accounting (returns on the held
weights, borrow on shorts, drift, trades at the next close with commission, half spread and square-root impact paid
from cash) and the same records (every trade: session, asset, weight before and after, cost, dollar value and
realised P&L; each security's P&L in dollars; the holdings after every trading day with their P&L to date). Prints one JSON line: seconds in the loop, final wealth, trades, position rows, the realised and the total P&L.

Usage: backtest_numpy.py FOLDER ASSETS SESSIONS LINEAR IMPACT BORROW CAPITAL
"""
import json
import os
import sys
import time

import numpy as np


def main():
    folder = sys.argv[1]
    n, sessions = int(sys.argv[2]), int(sys.argv[3])
    linear, impact_k, borrow, capital = (float(v) for v in sys.argv[4:8])
    shape = (sessions, n)
    returns = np.fromfile(os.path.join(folder, "returns.f64"), dtype=np.float64).reshape(shape)
    scale = np.fromfile(os.path.join(folder, "impact.f64"), dtype=np.float64).reshape(shape)
    targets = np.fromfile(os.path.join(folder, "targets.f64"), dtype=np.float64).reshape(shape)
    impact = impact_k * np.sqrt(capital)

    start = time.perf_counter()
    weights = np.zeros(n)
    pending = None
    wealth = capital
    trades = {k: [] for k in ("session", "asset", "before", "after", "cost", "value", "realized")}
    held_days, held_assets, held_weights, held_pnl = [], [], [], []
    pnl = np.zeros(n)      # each security's P&L in dollars so far
    basis = np.zeros(n)    # the part of it realised by trades
    for t in range(sessions):
        r = returns[t]
        moves = np.where(np.isnan(r), 0.0, r)
        contribution = weights * moves
        pnl += contribution * wealth
        day = contribution.sum() + borrow * weights[weights < 0].sum() + (1.0 - weights.sum()) * 0.0
        weights = weights * (1.0 + moves) / (1.0 + day)
        growth = 1.0 + day
        traded_today = False
        if pending is not None:
            delta = pending - weights
            size = np.abs(delta)
            idx = np.nonzero(size >= 1e-12)[0]
            s = size[idx]
            cost = linear * s + impact * scale[t, idx] * np.sqrt(s) * s
            before, after = weights[idx], pending[idx]
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(before == 0, 0.0, np.where(before * after <= 0, 1.0, np.maximum(0.0, 1.0 - np.abs(after) / np.abs(before))))
            gain = (pnl[idx] - basis[idx]) * share
            basis[idx] += gain
            trades["session"].append(np.full(idx.size, t, dtype=np.int32))
            trades["asset"].append(idx.astype(np.int32))
            trades["before"].append(weights[idx])
            trades["after"].append(pending[idx])
            trades["cost"].append(cost)
            trades["value"].append(delta[idx] * wealth * growth)
            trades["realized"].append(gain)
            total = cost.sum()
            weights[idx] = pending[idx]
            weights /= 1.0 - total
            growth *= 1.0 - total
            pending = None
            traded_today = idx.size > 0
        wealth *= growth
        if t < sessions - 1:
            pending = targets[t]
        if traded_today or t == 0:
            nz = np.nonzero(weights)[0]
            held_days.append(np.full(nz.size, t, dtype=np.int32))
            held_assets.append(nz.astype(np.int32))
            held_weights.append(weights[nz])
            held_pnl.append(pnl[nz])
    columns = {k: np.concatenate(v) if v else np.empty(0) for k, v in trades.items()}
    positions = np.concatenate(held_assets) if held_assets else np.empty(0)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "wealth": wealth, "trades": int(columns["asset"].size), "positionRows": int(positions.size),
                      "realized": float(columns["realized"].sum()), "pnl": float(pnl.sum())}))


if __name__ == "__main__":
    main()
