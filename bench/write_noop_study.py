#!/usr/bin/python3
"""A study of UNITS noop units (one seed axis), for the benchmarks of the engine's own costs:
scheduling, journals, merge and resume memory, rank.

    write_noop_study.py NAME UNITS STUDY_PATH CACHE_DIR
"""
import sys

name, units, path, cache = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
seeds = ", ".join(str(i) for i in range(1, units + 1))
with open(path, "w") as out:
    out.write(f'''[study]
name = "{name}"
[data]
source = "synthetic"
clips = 40
seconds = 1.0
cache_dir = "{cache}"
[model]
kind = "noop"
[cluster]
methods = ["kmeans"]
[grid]
k = [4]
seed = [{seeds}]
''')
