"""Every performance figure of docs/PERFORMANCE.md, in one command.

    python -m bench.performance [--data-dir data]

Runs, one after the other and each in its own process: ``bench.latency`` (cold start, warm
latency at about 1k and 10k chunks), ``bench.ingest_speed`` (ingest of the war-news corpus
against the raw encode of its paragraphs), ``bench.scale_e2e`` (warm latency at 100k
chunks), ``bench.search_scale`` (dense search at 10k, 100k and 1M vectors),
``bench.ingest_load`` (answer latency while 1000 articles are
ingested). ``--data-dir`` (where the eval cache with the BBC index lives) goes to each that
reads it. Prints the machine first.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

# (module and its arguments, takes --data-dir)
STEPS = (
    (["bench.latency"], True),
    (["bench.ingest_speed", "../shared/eval/uanews/articles"], True),
    (["bench.scale_e2e"], True),
    (["bench.search_scale"], False),
    (["bench.ingest_load"], True),
)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return (
        f"{cpu}, {os.cpu_count()} cores, {pages / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"), help="holds the eval cache")
    args = parser.parse_args()
    print(f"machine: {machine()}", flush=True)
    for command, takes_data_dir in STEPS:
        step = [*command, "--data-dir", str(args.data_dir)] if takes_data_dir else command
        print(f"\n$ python -m {' '.join(step)}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", *step], check=False)
        print(f"({time.perf_counter() - started:.0f} s)", flush=True)
        if done.returncode != 0:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
