"""Time ``authenticator.scan`` on realistic screenshots, beside the floor: one bare pyzbar call
on the same pixels.

The screenshots come from the corpus generator (busy page, portal-like Key URI, QR at 4 CSS
px/module). Also timed: the QR element alone (what the journeys screenshot), a dark-mode
full page, a page with no QR (the slowest path: every preprocessing is tried) and a refused
40-megapixel image.

    .venv/bin/python bench/bench_scan.py --runs 40
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere: bench.support

from authenticator import ScanError, scan
from bench.support import qr_corpus


def _cases() -> dict[str, bytes]:
    uri = qr_corpus.random_uri(random.Random(1))
    spec = qr_corpus.Spec(uri, px=4, border=2)
    cases = {
        "QR element 4 px/module (journey case)": qr_corpus.render(spec),
        "800×600 screenshot": qr_corpus.render(qr_corpus.replace(spec, page=(800, 600))),
        "full page 1280×2000": qr_corpus.render(qr_corpus.replace(spec, page=(1280, 2000))),
        "full page 1280×2000, dark mode": qr_corpus.render(
            qr_corpus.replace(spec, page=(1280, 2000), inverted=True)
        ),
        "full page 1280×2000 at device scale 2": qr_corpus.render(
            qr_corpus.replace(spec, page=(1280, 2000), scale=2.0)
        ),
    }
    blank = qr_corpus.busy_page(
        Image.new("RGB", (1, 1), "white"), (1280, 2000), 1.0, dark=False, seed=0
    )
    cases["full page 1280×2000 without QR (error path)"] = qr_corpus.encoded(blank)
    worst = blank.resize((3840, 6000))  # device scale 3: the largest size scan() accepts
    cases["full page ×3 (23 MP) without QR (worst case)"] = qr_corpus.encoded(worst)
    cases["40 MP image (refused from its header)"] = qr_corpus.encoded(
        Image.new("1", (8000, 5000), 1)
    )
    return cases


def _measure(run: Callable[[bytes], bool], data: bytes, runs: int) -> str:
    """p50/p95 of wall and CPU time (ms) over ``runs`` calls, and whether the QR was read.

    CPU time is the load-independent figure: the reference machine's 2 cores are shared, and
    decoding is single-threaded, so on an idle machine wall ≈ CPU.
    """
    found = run(data)  # warm-up: first-call costs are not what a probe pays every minute
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        run(data)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    read = "read" if found else "NOT read"
    return f"wall ms {_percentiles(wall)}  cpu ms {_percentiles(cpu)}  {read}"


def _percentiles(times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    return f"p50 {statistics.median(times):6.1f} p95 {p95:6.1f}"


def _scan(data: bytes) -> bool:
    try:
        return scan(data) is not None
    except ScanError:
        return False


def _floor(data: bytes) -> bool:
    """Bare pyzbar on the decoded image: no preprocessing, no parsing."""
    return bool(zbar_decode(Image.open(io.BytesIO(data)), symbols=[ZBarSymbol.QRCODE]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40, help="timed runs per case")
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}  runs={args.runs}  load average {load}")
    for name, data in _cases().items():
        image = Image.open(io.BytesIO(data))
        runs = max(3, args.runs // 8) if "without QR" in name else args.runs  # seconds each
        print(f"{name} ({image.width}×{image.height}, {runs} runs)")
        print(f"    scan         {_measure(_scan, data, runs)}")
        if "refused" not in name:
            print(f"    bare pyzbar  {_measure(_floor, data, runs)}", flush=True)


if __name__ == "__main__":
    main()
