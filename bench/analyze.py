#!/usr/bin/env python3
"""`odxprobe analyze` against parsing the same report with cJSON alone.

For reports of 1k, 10k and 100k volumes with 24 filter instances each, runs
in turn, in one process pair on this machine:
  cjson    bench_report cjson FILE   read the file + cJSON_ParseWithLength
  analyze  odxprobe analyze FILE     read, parse, check, analyse, print the summary
and prints wall time, processor time (user + system) and peak RSS of each,
their ratios, and how time grows with the volume count. Each figure is the
best of a few runs on a warm page cache; every analyze run comes before the
baselines, since the 100k-volume baseline alone takes 6 GB, and the run
right after it pays for that in slower page faults.

Targets: analyze at most 2x cJSON in time and in peak memory; 10x the
volumes at most 11x the time.

Usage: bench/analyze.py BUILD_DIR [VOLUMES...]    (default 1000 10000 100000)
Needs about 6 GB of memory and 2 GB of disk in $TMPDIR for 100k volumes.
"""
import os
import subprocess
import sys
import tempfile
import time


def warm(path):
    """Reads the file once, so every run finds it in the page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def measure(argv, repeat):
    """Best of `repeat` runs, each on a warm page cache: (wall s, cpu s, peak RSS MiB)."""
    best = None
    for _ in range(repeat):
        warm(argv[-1])
        with open(os.devnull, "wb") as null:
            t0 = time.monotonic()
            p = subprocess.Popen(argv, stdout=null)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.monotonic() - t0
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # analyze exits 1 when the report shows blockers
            raise SystemExit(f"{' '.join(argv)} exited {code}")
        sample = (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0)
        if best is None or sample[1] < best[1]:
            best = sample
    return best


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    build = sys.argv[1]
    sizes = [int(v) for v in sys.argv[2:]] or [1000, 10000, 100000]
    bench = os.path.join(build, "bench", "bench_report")
    odxprobe = os.path.join(build, "src", "cli", "odxprobe")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for n in sizes:
            paths[n] = os.path.join(tmp, f"report-{n}.json")
            subprocess.run([bench, "generate", str(n), "24", paths[n]], check=True)
        # All analyze runs first, then all baselines: a 6 GB baseline run just
        # before an analyze run slows that run's page faults down.
        an = {n: measure([odxprobe, "analyze", paths[n]], 3) for n in sizes}
        cj = {n: measure([bench, "cjson", paths[n]], 3 if n <= 10000 else 2) for n in sizes}
        for n in sizes:
            size_mb = os.path.getsize(paths[n]) / 1e6
            rows.append((n, size_mb, cj[n], an[n]))
            c, a = cj[n], an[n]
            print(f"{n:>7} volumes x 24 instances, report {size_mb:8.1f} MB")
            print(f"    cJSON parse alone: wall {c[0]:7.2f} s  cpu {c[1]:7.2f} s  peak {c[2]:8.1f} MiB")
            print(f"    odxprobe analyze:  wall {a[0]:7.2f} s  cpu {a[1]:7.2f} s  peak {a[2]:8.1f} MiB")
            t_ratio, m_ratio = a[1] / c[1], a[2] / c[2]
            print(f"    analyze / cJSON:   time {t_ratio:5.2f}x (target <= 2)  "
                  f"memory {m_ratio:5.2f}x (target <= 2)  "
                  f"{'ok' if t_ratio <= 2 and m_ratio <= 2 else 'MISSED'}", flush=True)
    for (n1, _, _, a1), (n2, _, _, a2) in zip(rows, rows[1:]):
        growth = a2[1] / a1[1]
        limit = 1.1 * n2 / n1
        print(f"{n1} -> {n2} volumes: analyze cpu time x{growth:.2f} "
              f"(target <= x{limit:.0f}) {'ok' if growth <= limit else 'MISSED'}")


if __name__ == "__main__":
    main()
