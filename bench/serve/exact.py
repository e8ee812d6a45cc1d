"""Posts every single-row body to a running server and compares with cvr predict's submission, bit for bit."""
import json, sys, urllib.request
url, bodies, submission = sys.argv[1], sys.argv[2], sys.argv[3]
expected = {}
with open(submission) as f:
    next(f)
    for line in f:
        r, c, i = line.rstrip("\n").split("\t")
        expected[int(r)] = (float(c), float(i))
differ = n = 0
maxdiff = 0.0
with open(bodies) as f:
    for line in f:
        row_id = json.loads(line)["instances"][0]["f_0"]
        req = urllib.request.Request(url + "/v1/models/cvr:predict", data=line.encode(), headers={"Content-Type": "application/json"})
        p = json.load(urllib.request.urlopen(req))["predictions"][0]
        e = expected[row_id]
        n += 1
        if p["is_installed"] != e[1] or p["is_clicked"] != e[0]:
            differ += 1
            maxdiff = max(maxdiff, abs(p["is_installed"] - e[1]))
print(f"{n} rows one request each: {differ} differ from the submission (max |diff| {maxdiff})")
