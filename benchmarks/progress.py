"""How good ``kg build``'s estimate of the time left is, on a terminal.

Runs ``kg build SOURCES --no-html`` in a pseudo-terminal (so that click draws its bar, with
the time left), notes when each frame of the bar arrives, and when reading ended (the line of
the next phase). For every frame that shows a time left, the end it predicts (arrival + time
left) is compared with the real end: the script prints the first estimate and the ratio of
predicted to real reading time for the frames, as a median and the worst (issue 13: the bar
said 27-72 minutes for a 10 s build, measured before the model had loaded).

    python benchmarks/progress.py                 # seeds/
    python benchmarks/progress.py tests/data/other
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FRAME = re.compile(rb"Reading \d+ documents?\s+\[[#-]*\]\s+(\d+)%(?:\s+(\d\d):(\d\d):(\d\d))?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", default=[str(REPO / "seeds")])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        master, slave = pty.openpty()
        command = [sys.executable, "-m", "kg", "build", *args.sources, "--out", out, "--no-html"]
        started = time.monotonic()
        child = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, cwd=out, env=os.environ.copy()
        )
        os.close(slave)
        chunks: list[tuple[float, bytes]] = []
        while True:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not data:
                    break
                chunks.append((time.monotonic() - started, data))
            elif child.poll() is not None:
                break
        child.wait()
        os.close(master)
    frames: list[tuple[float, int, int | None]] = []  # (arrival, percent, seconds left)
    bar_start = reading_end = None
    for at, data in chunks:
        for match in FRAME.finditer(data):
            if bar_start is None:
                bar_start = at
            left = match.group(2)
            seconds = None if left is None else (
                int(left) * 3600 + int(match.group(3)) * 60 + int(match.group(4))
            )
            frames.append((at, int(match.group(1)), seconds))
        if reading_end is None and b"Linking entities" in data:
            reading_end = at
    if child.returncode != 0 or bar_start is None:
        sys.exit(f"kg build failed or drew no bar (exit status {child.returncode})")
    if reading_end is None:  # a kg without phase lines: the bar's last frame
        reading_end = frames[-1][0]
    real = reading_end - bar_start
    print(f"kg build {' '.join(args.sources)} --no-html (on a pseudo-terminal)")
    print(f"bar drawn at {bar_start:.1f} s; reading ended {real:.1f} s later")
    estimates = [(at, pct, left) for at, pct, left in frames if left is not None and pct < 100]
    if not estimates:
        print("no frame showed a time left (reading was too quick)")
        return
    at, pct, left = estimates[0]
    print(
        f"first estimate: {left} s left at {pct}% ({at - bar_start:.1f} s in),"
        f" real: {reading_end - at:.1f} s left"
    )
    ratios = [(at - bar_start + left) / real for at, _, left in estimates]
    print(
        f"predicted / real reading time over {len(ratios)} frames: median"
        f" {statistics.median(ratios):.2f}, worst {max(ratios, key=lambda r: abs(r - 1)):.2f}"
        " (1.00: exact; the time left is shown in whole seconds)"
    )


if __name__ == "__main__":
    main()
