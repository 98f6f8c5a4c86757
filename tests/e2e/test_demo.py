"""`make demo`, end to end: smoke set, probe enrollment, monitor cycle, report, gate."""

import subprocess
import sys


def test_demo_runs_the_main_job_and_passes_its_gate(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "reports", "demo", "--out", str(out)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "verdict: PASS" in done.stdout
    assert "first access OK" in done.stdout
    assert (out / "report" / "index.html").is_file()
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "✅ RÉUSSI" in summary and "later login" in summary  # French, the gate's default
    assert (out / "demo" / "history.sqlite").is_file()
