"""Request bodies for bench/serve.sh from a test split: one JSON body per line, `rows` instances each, every
field's text as it is in the file (empty -> null). Usage: bodies.py TEST_CSV ROWS OUT"""
import sys

path, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path) as f:
    header = f.readline().rstrip("\n").split("\t")
    lines = [l.rstrip("\n").split("\t") for l in f]
instances = ["{" + ",".join(f'"{k}":{v if v else "null"}' for k, v in zip(header, values)) + "}" for values in lines]
with open(out, "w") as f:
    for start in range(0, len(instances) - rows + 1, rows):
        f.write('{"instances":[' + ",".join(instances[start:start + rows]) + "]}\n")
