#!/usr/bin/env python3
"""Writes the synthetic Nextflow traces in this folder (see SOURCE.md). Deterministic: python3 make_trace.py"""
import random

rng = random.Random(17)
GiB, MiB = 1024 ** 3, 1024 ** 2


def human_bytes(b):
    for unit, size in (("GB", GiB), ("MB", MiB), ("KB", 1024)):
        if b >= size:
            return f"{b / size:.1f} {unit}"
    return f"{int(b)} B"


def human_ms(ms):
    s = ms / 1000
    if s < 1:
        return f"{int(ms)}ms"
    h, rem = divmod(int(s), 3600)
    m, sec = divmod(rem, 60)
    parts = ([f"{h}h"] if h else []) + ([f"{m}m"] if m or h else []) + [f"{sec}s"]
    return " ".join(parts)


# process, count, requested memory, peak(input) in bytes, runtime(input) in ms
PROCESSES = [
    ("NFCORE_DEMO:DEMO:FASTQC", 60, 6 * GiB, lambda x: 250 * MiB + 0.02 * x, lambda x: 20_000 + x / 40_000),
    ("NFCORE_DEMO:DEMO:BWA_MEM", 48, 36 * GiB, lambda x: 5.5 * GiB + 1.6 * x, lambda x: 120_000 + x / 2_000),
    ("NFCORE_DEMO:DEMO:SAMTOOLS_SORT", 52, 12 * GiB, lambda x: 768 * MiB * rng.choice([1, 1, 1, 1, 2.5]), lambda x: 30_000 + x / 20_000),
    ("NFCORE_DEMO:DEMO:MULTIQC", 3, 6 * GiB, lambda x: 900 * MiB, lambda x: 60_000),
]

rows, task_id, clock = [], 0, 1_718_920_000_000
for process, count, requested, peak_of, runtime_of in PROCESSES:
    for i in range(count):
        task_id += 1
        x = rng.lognormvariate(21.5, 0.6)  # bytes read, ~2 GiB median
        peak = peak_of(x) * rng.uniform(0.9, 1.1)
        runtime = runtime_of(x) * rng.uniform(0.8, 1.2)
        tag = f"sample{i + 1}"
        rows.append((task_id, process, tag, requested, peak, runtime, x, clock))
        clock += 5_000

with open("trace.txt", "w") as f:
    f.write("task_id\thash\tnative_id\tprocess\ttag\tname\tstatus\texit\tsubmit\tduration\trealtime\t%cpu\tpeak_rss\tpeak_vmem\trchar\twchar\tmemory\n")
    for task_id, process, tag, requested, peak, runtime, x, clock in rows:
        h = f"{rng.randrange(256):02x}/{rng.randrange(16 ** 6):06x}"
        f.write("\t".join([str(task_id), h, str(40000 + task_id), process, tag, f"{process} ({tag})", "COMPLETED", "0",
                           "2024-06-20 21:48:38.229", human_ms(runtime + 900), human_ms(runtime), f"{rng.uniform(80, 200):.1f}%",
                           human_bytes(peak), human_bytes(peak * 1.8), human_bytes(x), human_bytes(x / 3), human_bytes(requested)]) + "\n")
    # one failed attempt (its peak is not its need: the reader skips it)
    f.write("999\tff/ffffff\t49999\tNFCORE_DEMO:DEMO:BWA_MEM\tsample1\tNFCORE_DEMO:DEMO:BWA_MEM (sample1)\tFAILED\t137\t"
            "2024-06-20 21:48:38.229\t1m 2s\t1m\t-\t-\t-\t-\t-\t36 GB\n")
