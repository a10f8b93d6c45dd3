"""The quick benchmark runs end to end and the project's strategy is correct in it.

Speeds are reported by the benchmark, never asserted here; only correctness is.
"""

import json
import subprocess
import sys

from conftest import TEMPLATE_DIR


def test_quick_benchmark_runs_and_reports_every_scenario(tmp_path):
    output = tmp_path / "quick.json"

    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--json", str(output)],
        cwd=TEMPLATE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads(output.read_text())
    for heading in ("Ticket numbering", "Renumbering", "Backfill", "Targets", "Numbering choices"):
        assert heading in result.stdout
    strategies = {row["strategy"]: row for row in results["numbering"]}
    ours = strategies["SequenceDefault"]
    assert ours["committed"] > 0
    assert (ours["errors"], ours["duplicates"], ours["gaps"]) == (0, 0, 0)
    assert strategies["GaplessCounter"]["gaps"] == 0
    assert all(row["update_statements"] == 1 for row in results["shift"])
    assert results["backfill"]["rows"] == 100_000
    choices = results["choices"]
    assert [row["answers"] for row in choices] == [
        {},
        {"ticket_scope": "yearly"},
        {"numbering": "gapless"},
        {"numbering": "gapless", "ticket_scope": "yearly"},
        {"numbering": "gapless", "ticket_scope": "yearly"},
    ]
    assert all(row["committed"] > 0 and row["errors"] == 0 for row in choices), choices
    assert all(row["gaps"] == 0 for row in choices if "gapless" in row["label"]), choices
