#!/usr/bin/env python3
"""Backtest layout: a generated data set with its last labelled day moved to test/ (labels stripped, kept in
truth/test.csv with the true probabilities), so a procedure that trains on every labelled day (--refit) can be
judged on a later day by the same rule as everything else: validate on the new last labelled day, score the next.
Usage: bench/backtest-split.py SOURCE_DATA OUT_DATA"""
import csv, os, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out, "train"), exist_ok=True)
os.makedirs(os.path.join(out, "test"), exist_ok=True)
os.makedirs(os.path.join(out, "truth"), exist_ok=True)
train_files = sorted(os.listdir(os.path.join(src, "train")))
last = 0
for name in train_files:
    with open(os.path.join(src, "train", name)) as f:
        header = f.readline().rstrip("\n").split("\t")
        day = header.index("f_1")
        for line in f:
            last = max(last, int(line.split("\t", day + 1)[day]))
held = {}
with open(os.path.join(out, "test", "000000000000.csv"), "w") as test:
    for i, name in enumerate(train_files):
        with open(os.path.join(src, "train", name)) as f, open(os.path.join(out, "train", name), "w") as train:
            header_line = f.readline()
            header = header_line.rstrip("\n").split("\t")
            day, click, install = header.index("f_1"), header.index("is_clicked"), header.index("is_installed")
            train.write(header_line)
            if i == 0:
                test.write("\t".join(h for h in header if h not in ("is_clicked", "is_installed")) + "\n")
            for line in f:
                fields = line.rstrip("\n").split("\t")
                if int(fields[day]) == last:
                    held[fields[0]] = (fields[click], fields[install])
                    test.write("\t".join(v for j, v in enumerate(fields) if j not in (click, install)) + "\n")
                else:
                    train.write(line)
with open(os.path.join(src, "truth", "train.csv")) as f, open(os.path.join(out, "truth", "test.csv"), "w") as truth:
    header = f.readline().rstrip("\n").split("\t")
    truth.write("RowId\tis_clicked\tis_installed\t" + "\t".join(header[1:]) + "\n")
    for line in f:
        fields = line.rstrip("\n").split("\t")
        if fields[0] in held:
            truth.write("\t".join([fields[0], *held[fields[0]], *fields[1:]]) + "\n")
print(f"day {last}: {len(held)} rows moved to test/ (truth in truth/test.csv)")
