#!/usr/bin/env python3
"""The paper's pipeline (RecSys Challenge 2023, 4th place) in pandas + XGBoost or LightGBM's Python package.

A peer for cvr's benchmarks: the same generated data, the paper's features as method-notes.md pins them down,
the two models (Model_e2e on is_installed; Model_ts = P(like) x P(install | like)), calibration (omega) on the
validation day, a 0.5/0.5 blend, and a submission in cvr's format, so `cvr evaluate` scores it like cvr's own.

    paper_pipeline.py --data DIR --out OUT [--engine xgboost|lightgbm] [--threads N] [--seed N] [--max-rounds N]

DIR holds train/ and test/ (a file or a folder of shards; TAB- or comma-separated text, .gz accepted); OUT gets
submission.csv (TAB-separated RowId, is_clicked, is_installed) and peer.json (phase timings, best iterations,
omegas, validation-day logloss of the five models). Deterministic for a seed (and a thread count).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd

# ---- the paper's settings (method-notes.md) -------------------------------------------------------------------------

DROP = ["f_0", "f_7", "f_9", "f_23", "f_24", "f_47", "f_49"]
BASES = {}
for _cols, _base in [
    ([42, 52, 53, 54, 55, 56, 57, 74, 75, 76], 0.03856407),
    ([44, 45, 46, 47, 48, 49, 50, 71, 72, 73], 0.57112147),
    ([60], 8.07946039),
    ([61], 0.147850899),
    ([62], 0.129299709),
    ([63], 0.355221093),
    ([77, 78, 79], 37.38457512),
]:
    for _c in _cols:
        BASES[f"f_{_c}"] = _base
CROSSES = [("f_4", "f_6"), ("date_mod", "f_11")]
GROUP_PAIRS = [("f_11", "f_71"), ("f_13", "f_74"), ("f_2", "f_42"), ("f_4", "f_54"), ("f_6", "f_68"), ("f_8", "f_71")]
GROUP_STATS = ["mean", "median", "std", "max", "min", "ratio_mean", "ratio_median", "diff_mean", "zscore",
               "median_minus_mean", "abs_median_minus_mean", "median_over_mean", "std_over_mean"]
TE_COLUMNS = ["f_4", "f_6", "f_13", "f_15"]
TE_TARGET = "is_installed"
TE_STATS = ["mean", "mode", "median", "variance", "skewness", "kurtosis"]
N_MIN = 1000
FOLDS = 5
FOLD_SEED = 42          # cvr's target_encoding.seed default: the same rows fall in the same folds
MISSING_KEY = -(2 ** 31)  # a missing category is a key of its own (never pooled with a real code such as 0)
LABELS = ["is_clicked", "is_installed"]


def categorical(name):
    i = int(name[2:])
    return 2 <= i <= 32


class Timer:
    def __init__(self):
        self.phases = {}

    def time(self, name):
        timer = self

        class _Phase:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                timer.phases[name] = timer.phases.get(name, 0.0) + time.perf_counter() - self.start

        return _Phase()


def log(message):
    print(f"[peer {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- reading -------------------------------------------------------------------------------------------------------

def files_of(path):
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise SystemExit(f"error: {path}: no such file or folder")
    names = sorted(n for n in os.listdir(path) if not n.startswith("."))
    if not names:
        raise SystemExit(f"error: {path}: no data files")
    for n in names:
        if n.endswith(".parquet"):
            raise SystemExit(f"error: {os.path.join(path, n)}: Parquet is not read by the peer (text and .gz only)")
    return [os.path.join(path, n) for n in names]


def read_split(path):
    frames = []
    for f in files_of(path):
        opener = open
        if f.endswith(".gz"):
            import gzip
            opener = gzip.open
        with opener(f, "rt") as h:
            header = h.readline()
        sep = "\t" if "\t" in header else ","
        columns = [c.strip().lstrip("\ufeff") for c in header.rstrip("\r\n").split(sep)]
        dtypes = {c: (np.int64 if c == "f_0" else np.int8 if c in LABELS else np.float32) for c in columns}
        frame = pd.read_csv(f, sep=sep, dtype=dtypes, header=0, names=columns, compression="infer",
                            na_values=[""], keep_default_na=False, engine="c")
        frames.append(frame)
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return frame


# ---- features ------------------------------------------------------------------------------------------------------

def keys_of(values):
    """Integer keys of a categorical column (float32 with NaN) — a missing value gets MISSING_KEY."""
    v = np.asarray(values)
    out = np.full(v.shape, MISSING_KEY, dtype=np.int64)
    present = ~np.isnan(v)
    out[present] = v[present].astype(np.int64)
    return out


def clean(frame, name):
    """A base column as the model sees it: missing -> 0, a count divided by its base and rounded."""
    v = frame[name].to_numpy(dtype=np.float64)
    v = np.where(np.isnan(v), 0.0, v)
    base = BASES.get(name)
    if base is not None:
        v = np.round(v * (1.0 / base))
    return v.astype(np.float32)


def pair_keys(a, b):
    """One uint64 key per (a, b) pair of int keys, ascending in (a, b)."""
    ua = (a.astype(np.int64) + 2 ** 31).astype(np.uint64)
    ub = (b.astype(np.int64) + 2 ** 31).astype(np.uint64)
    return (ua << np.uint64(32)) | ub


def splitmix64_fold(row_ids, seed, folds):
    """SplitMix64 of (row id XOR seed) mod k: a row's fold from its id, independent of row order and sharding."""
    with np.errstate(over="ignore"):
        z = row_ids.astype(np.int64).view(np.uint64) ^ np.uint64(seed)
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z % np.uint64(folds)).astype(np.int64)


def beta_statistics(a, b):
    """The posterior's six statistics (true Beta moments, cvr's default). Columns in TE_STATS order."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    s = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = a / s
        mode = np.where((a > 1) & (b > 1), (a - 1) / (s - 2),
                        np.where((a <= 1) & (b > 1), 0.0,
                                 np.where((a > 1) & (b <= 1), 1.0,
                                          np.where(a == b, 0.5, np.where(a < b, 0.0, 1.0)))))
        # Kerman's closed form. cvr refines it by Newton steps on the CDF below shape 1e4; under the paper's
        # prior both shapes are at least mu * N0 (thousands of pseudo-rows), where the two agree to ~1e-9.
        median = (a - 1.0 / 3) / (s - 2.0 / 3)
        variance = a * b / (s * s * (s + 1))
        skewness = 2 * (b - a) * np.sqrt(s + 1) / ((s + 2) * np.sqrt(a * b))
        d = a - b
        kurtosis = 6 * (d * d * (s + 1) - a * b * (s + 2)) / (a * b * (s + 2) * (s + 3))
    out = np.stack([mean, mode, median, variance, skewness, kurtosis], axis=1)
    out[~np.isfinite(out)] = np.nan
    return out


def beta_table(n, N, mu, fit_rows):
    """Paper's rule (3.2): prior Beta(mu N0, (1 - mu) N0), N0 the fitting rows; a category with N < N_min (or unseen)
    gets the prior itself. n, N arrays over categories (last entry: unseen)."""
    a0, b0 = mu * fit_rows, (1 - mu) * fit_rows
    small = N < N_MIN
    a = np.where(small, a0, a0 + n)
    b = np.where(small, b0, b0 + N - n)
    return beta_statistics(a, b).astype(np.float32)


class Features:
    """Fitted on the training days' rows; transforms any rows. Out-of-fold target encoding for the fitting rows."""

    def fit(self, frame, labels):
        self.columns = [c for c in frame.columns if c.startswith("f_") and c not in DROP]
        self.cross_codes = {}
        keys = self._keys(frame)
        for a, b in CROSSES:
            self.cross_codes[(a, b)] = np.unique(pair_keys(keys[a], keys[b]))
        self.groups = {}
        for a, b in GROUP_PAIRS:
            values = clean(frame, b).astype(np.float64)
            g = pd.DataFrame({"k": keys[a], "v": values}).groupby("k", sort=True)["v"]
            stats = g.agg(["mean", "median", "std", "max", "min"])
            pooled = pd.Series(values)
            everything = [pooled.mean(), pooled.median(), pooled.std(ddof=1), pooled.max(), pooled.min()]
            table = np.vstack([stats.to_numpy(dtype=np.float64), np.array([everything], dtype=np.float64)])
            self.groups[(a, b)] = (stats.index.to_numpy(dtype=np.int64), table)
        y = labels[TE_TARGET].astype(np.int64)
        self.encoders = {}
        self.folds = splitmix64_fold(frame["f_0"].to_numpy(), FOLD_SEED, FOLDS)
        for c in TE_COLUMNS:
            uniq, cat = np.unique(keys[c], return_inverse=True)
            n = np.bincount(cat, weights=y, minlength=len(uniq))
            N = np.bincount(cat, minlength=len(uniq)).astype(np.float64)
            self.encoders[c] = (uniq, n, N, cat)
        self.total_pos = float(y.sum())
        self.total_rows = float(len(y))
        self.y = y
        self.names = (self.columns + ["date_mod"] + [f"{a}@{b}" for a, b in CROSSES]
                      + [f"{b}_by_{a}_{s}" for a, b in GROUP_PAIRS for s in GROUP_STATS]
                      + [f"te_{TE_TARGET}_{c}_{s}" for c in TE_COLUMNS for s in TE_STATS])
        return self

    @staticmethod
    def _keys(frame):
        keys = {c: keys_of(frame[c].to_numpy()) for c in set(
            [x for pair in CROSSES for x in pair] + [a for a, _ in GROUP_PAIRS] + TE_COLUMNS) if c != "date_mod"}
        day = keys_of(frame["f_1"].to_numpy())
        keys["date_mod"] = np.where(day == MISSING_KEY, MISSING_KEY, np.mod(day, 7))
        return keys

    def transform(self, frame, out_of_fold=False):
        rows = len(frame)
        X = np.empty((rows, len(self.names)), dtype=np.float32)
        j = 0
        for c in self.columns:
            X[:, j] = clean(frame, c)
            j += 1
        keys = self._keys(frame)
        X[:, j] = np.where(keys["date_mod"] == MISSING_KEY, 0, keys["date_mod"])
        j += 1
        for a, b in CROSSES:
            codes = self.cross_codes[(a, b)]
            pk = pair_keys(keys[a], keys[b])
            pos = np.searchsorted(codes, pk)
            found = (pos < len(codes)) & (codes[np.minimum(pos, len(codes) - 1)] == pk)
            X[:, j] = np.where(found, pos, -1)
            j += 1
        for a, b in GROUP_PAIRS:
            index, table = self.groups[(a, b)]
            pos = pd.Index(index).get_indexer(keys[a])
            s = table[np.where(pos < 0, len(table) - 1, pos)]
            mean, median, std, mx, mn = (s[:, i] for i in range(5))
            v = clean(frame, b).astype(np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):
                block = np.stack([mean, median, std, mx, mn, v / (mean + 1e-5), v / (median + 1e-5), v - mean,
                                  (v - mean) / (std + 1e-9), median - mean, np.abs(median - mean), median / mean,
                                  std / mean], axis=1)
            block[~np.isfinite(block)] = np.nan
            X[:, j:j + 13] = block
            j += 13
        for c in TE_COLUMNS:
            uniq, n, N, fit_cat = self.encoders[c]
            if out_of_fold:
                block = np.empty((rows, len(TE_STATS)), dtype=np.float32)
                y = self.y
                for f in range(FOLDS):
                    inside = self.folds == f
                    fn = np.bincount(fit_cat[inside], weights=y[inside], minlength=len(uniq))
                    fN = np.bincount(fit_cat[inside], minlength=len(uniq)).astype(np.float64)
                    fit_rows = self.total_rows - inside.sum()
                    fit_pos = self.total_pos - y[inside].sum()
                    mu = fit_pos / fit_rows if fit_rows > 0 else 0.5
                    # The other folds' counts scaled to the full fit's size, so count-dependent statistics
                    # (variance, the N_min threshold, the prior's size) have one scale for all rows.
                    scale = self.total_rows / fit_rows if fit_rows > 0 else 1.0
                    table = beta_table((n - fn) * scale, (N - fN) * scale, mu, fit_rows * scale)
                    block[inside] = table[fit_cat[inside]]
            else:
                mu = self.total_pos / self.total_rows if self.total_rows > 0 else 0.5
                table = beta_table(np.append(n, 0.0), np.append(N, 0.0), mu, self.total_rows)
                pos = np.searchsorted(uniq, keys[c])
                found = (pos < len(uniq)) & (uniq[np.minimum(pos, len(uniq) - 1)] == keys[c])
                block = table[np.where(found, pos, len(uniq))]
            X[:, j:j + len(TE_STATS)] = block
            j += len(TE_STATS)
        assert j == len(self.names)
        return X


# ---- models --------------------------------------------------------------------------------------------------------

def logloss(y, p):
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-15, 1 - 1e-15)
    y = np.asarray(y, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def omega_of(y, p):
    return float(np.mean(y) / np.mean(p))


def calibrate(p, omega):
    return p / (p + (1 - p) / omega)


class XGBoostEngine:
    name = "xgboost"

    def __init__(self, args):
        import xgboost
        self.xgb = xgboost
        self.version = xgboost.__version__
        # The paper's tree shape (31 leaves, grown leaf-wise like LightGBM; 80 % of the features per tree) at cvr's
        # fast preset's rate; everything else is XGBoost's own default (lambda 1, min_child_weight 1, 256 bins).
        self.params = {"objective": "binary:logistic", "eval_metric": "logloss", "tree_method": "hist",
                       "grow_policy": "lossguide", "max_leaves": 31, "max_depth": 0, "eta": args.learning_rate,
                       "colsample_bytree": 0.8, "nthread": args.threads, "seed": args.seed, "verbosity": 1}
        self.args = args

    def dataset(self, X, y, reference=None):
        return self.xgb.QuantileDMatrix(X, label=y, ref=reference, nthread=self.args.threads)

    def relabel(self, data, y):
        data.set_label(y)

    def train(self, train, valid):
        booster = self.xgb.train(self.params, train, num_boost_round=self.args.max_rounds, evals=[(valid, "valid")],
                                 early_stopping_rounds=self.args.early_stopping, verbose_eval=False)
        best = int(booster.best_iteration) + 1
        return booster, best

    def predict(self, model, X):
        booster, best = model
        return booster.inplace_predict(X, iteration_range=(0, best)).astype(np.float64)


class LightGbmEngine:
    name = "lightgbm"

    def __init__(self, args):
        import lightgbm
        self.lgb = lightgbm
        self.version = lightgbm.__version__
        # The paper's settings (binary, 31 leaves, feature_fraction 0.8) at cvr's fast preset's rate, deterministic.
        self.params = {"objective": "binary", "metric": "binary_logloss", "num_leaves": 31,
                       "learning_rate": args.learning_rate, "feature_fraction": 0.8, "num_threads": args.threads,
                       "seed": args.seed, "deterministic": True, "force_col_wise": True, "verbose": -1}
        self.args = args

    def dataset(self, X, y, reference=None):
        data = self.lgb.Dataset(X, label=y, reference=reference, params={"verbose": -1, "max_bin": 255},
                                free_raw_data=False)
        data.construct()
        return data

    def relabel(self, data, y):
        data.set_label(y)

    def train(self, train, valid):
        callbacks = [self.lgb.early_stopping(self.args.early_stopping, verbose=False)]
        booster = self.lgb.train(self.params, train, num_boost_round=self.args.max_rounds, valid_sets=[valid],
                                 valid_names=["valid"], callbacks=callbacks)
        best = int(booster.best_iteration) or booster.current_iteration()
        return booster, best

    def predict(self, model, X):
        booster, best = model
        return np.asarray(booster.predict(X, num_iteration=best), dtype=np.float64)


ENGINES = {"xgboost": XGBoostEngine, "lightgbm": LightGbmEngine}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="data folder with train/ and test/")
    parser.add_argument("--out", required=True, help="output folder: submission.csv and peer.json")
    parser.add_argument("--engine", choices=sorted(ENGINES), default="xgboost")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-rounds", type=int, default=5000)
    parser.add_argument("--early-stopping", type=int, default=50)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--validation-day", type=int, default=None, help="default: the last labelled day")
    args = parser.parse_args()
    if args.threads < 1 or args.max_rounds < 1 or args.early_stopping < 1:
        parser.error("--threads, --max-rounds and --early-stopping must be positive")
    try:
        engine = ENGINES[args.engine](args)
    except ImportError as e:
        raise SystemExit(f"error: engine {args.engine}: {e} (xgboost: apt-get install python3-xgboost; "
                         f"lightgbm: not packaged in Debian 12, pip install lightgbm)")
    os.makedirs(args.out, exist_ok=True)
    timer = Timer()
    started = time.perf_counter()

    with timer.time("read"):
        train = read_split(os.path.join(args.data, "train"))
        test = read_split(os.path.join(args.data, "test"))
    for c in ["f_0", "f_1"] + LABELS:
        if c not in train.columns:
            raise SystemExit(f"error: {args.data}/train: no column {c}")
    missing = [c for c in train.columns if c.startswith("f_") and c not in test.columns]
    if missing:
        raise SystemExit(f"error: {args.data}/test: columns {', '.join(missing)} of train are missing")
    log(f"read {len(train):,} training and {len(test):,} test rows")

    days = train["f_1"].to_numpy()
    vday = args.validation_day if args.validation_day is not None else int(np.nanmax(days))
    fit_mask = days < vday
    valid_mask = days == vday
    if not fit_mask.any() or not valid_mask.any():
        raise SystemExit(f"error: validation day {vday}: no training days before it or no rows on it")
    fit = train[fit_mask].reset_index(drop=True)
    valid = train[valid_mask].reset_index(drop=True)
    del train
    labels_fit = {c: fit[c].to_numpy().astype(np.int64) for c in LABELS}
    labels_valid = {c: valid[c].to_numpy().astype(np.int64) for c in LABELS}
    like_fit = labels_fit["is_clicked"] | labels_fit["is_installed"]
    like_valid = labels_valid["is_clicked"] | labels_valid["is_installed"]
    log(f"training days {int(np.nanmin(fit['f_1']))}..{vday - 1} ({len(fit):,} rows), validating on day {vday} "
        f"({len(valid):,} rows)")

    with timer.time("features"):
        features = Features().fit(fit, labels_fit)
        X_fit = features.transform(fit, out_of_fold=True)
        X_valid = features.transform(valid)
        X_test = features.transform(test)
    test_ids = test["f_0"].to_numpy()
    del fit, valid, test
    log(f"{len(features.names)} features")

    with timer.time("bins"):
        d_train = engine.dataset(X_fit, labels_fit["is_installed"])
        d_valid = engine.dataset(X_valid, labels_valid["is_installed"], reference=d_train)
        liked, liked_valid = like_fit == 1, like_valid == 1
        d_liked = engine.dataset(X_fit[liked], labels_fit["is_installed"][liked])
        d_liked_valid = engine.dataset(X_valid[liked_valid], labels_valid["is_installed"][liked_valid], reference=d_liked)
    del X_fit

    models = {}
    with timer.time("train_e2e"):
        models["e2e"] = engine.train(d_train, d_valid)
    log(f"e2e: best iteration {models['e2e'][1]}")
    with timer.time("train_like"):
        engine.relabel(d_train, like_fit)
        engine.relabel(d_valid, like_valid)
        models["like"] = engine.train(d_train, d_valid)
    log(f"like: best iteration {models['like'][1]}")
    with timer.time("train_install"):
        models["install"] = engine.train(d_liked, d_liked_valid)
    log(f"install: best iteration {models['install'][1]}")

    with timer.time("predict"):
        def predict_all(X):
            e2e = engine.predict(models["e2e"], X)
            ts = engine.predict(models["like"], X) * engine.predict(models["install"], X)
            return e2e, ts

        v_e2e, v_ts = predict_all(X_valid)
        y_valid = labels_valid["is_installed"]
        omega_e2e, omega_ts = omega_of(y_valid, v_e2e), omega_of(y_valid, v_ts)
        t_e2e, t_ts = predict_all(X_test)
        ensemble = 0.5 * calibrate(t_ts, omega_ts) + 0.5 * calibrate(t_e2e, omega_e2e)
        submission = os.path.join(args.out, "submission.csv")
        tmp = submission + ".tmp"
        with open(tmp, "w") as h:
            h.write("RowId\tis_clicked\tis_installed\n")
            for rid, p in zip(test_ids.tolist(), ensemble.tolist()):
                h.write(f"{rid}\t0\t{p!r}\n")
        os.replace(tmp, submission)

    v_ts_cal, v_e2e_cal = calibrate(v_ts, omega_ts), calibrate(v_e2e, omega_e2e)
    validation = {
        "Model_ts": logloss(y_valid, v_ts), "Model_e2e": logloss(y_valid, v_e2e),
        "Model_ts-cal": logloss(y_valid, v_ts_cal), "Model_e2e-cal": logloss(y_valid, v_e2e_cal),
        "ensemble": logloss(y_valid, 0.5 * v_ts_cal + 0.5 * v_e2e_cal),
    }
    report = {
        "engine": engine.name, "engine_version": engine.version, "pandas_version": pd.__version__,
        "numpy_version": np.__version__, "python": sys.version.split()[0], "threads": args.threads,
        "seed": args.seed, "learning_rate": args.learning_rate, "early_stopping": args.early_stopping,
        "max_rounds": args.max_rounds, "validation_day": vday, "training_rows": int(fit_mask.sum()),
        "validation_rows": int(valid_mask.sum()), "liked_training_rows": int(liked.sum()),
        "test_rows": int(len(test_ids)), "features": len(features.names),
        "best_iterations": {k: v[1] for k, v in models.items()},
        "omega": {"Model_ts": omega_ts, "Model_e2e": omega_e2e},
        "validation_install_rate": float(np.mean(y_valid)),
        "validation_logloss": validation,
        "phases_seconds": {k: round(v, 3) for k, v in timer.phases.items()},
        "total_seconds": round(time.perf_counter() - started, 3),
    }
    with open(os.path.join(args.out, "peer.json"), "w") as h:
        json.dump(report, h, indent=2)
    log(f"validation ensemble logloss {validation['ensemble']:.5f}; wrote {submission}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
