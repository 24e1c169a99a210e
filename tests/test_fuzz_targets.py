"""The fuzz targets (fuzz/): every crasher found so far and every seed replays clean, and each target
runs under atheris for a few seconds (the CI smoke run; `make fuzz` runs them for longer)."""
from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("jsonl", "brat", "html", "warc")
# git keeps no empty folder: a parser without crashers (html) has no fuzz/crashers/<target>/ in a clone.
CASES = [(target, path) for target in TARGETS for folder in ("crashers", "seeds")
         for path in sorted((ROOT / "fuzz" / folder / target).glob("*")) if path.is_file()]


@pytest.mark.parametrize("target,path", CASES, ids=[f"{t}/{p.parent.parent.name}/{p.name}" for t, p in CASES])
def test_crashers_and_seeds_replay_clean(target, path):
    check = importlib.import_module(f"fuzz.fuzz_{target}").check
    check(path.read_bytes())


def test_every_parser_has_crashers_kept():
    assert {t for t, p in CASES if p.parent.parent.name == "crashers"} >= {"jsonl", "brat", "warc"}


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_target_smoke_run(target, tmp_path):
    pytest.importorskip("atheris")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    run = subprocess.run([sys.executable, str(ROOT / "fuzz" / f"fuzz_{target}.py"), str(corpus),
                          str(ROOT / "fuzz" / "seeds" / target), "-max_total_time=3", "-seed=1",
                          f"-artifact_prefix={tmp_path}/", "-print_final_stats=1"],
                         cwd=ROOT, capture_output=True, text=True, errors="replace", timeout=180)
    assert run.returncode == 0, run.stderr[-4000:]
    executions = int(re.search(r"stat::number_of_executed_units: (\d+)", run.stderr).group(1))
    assert executions > len(list((ROOT / "fuzz" / "seeds" / target).iterdir()))
    assert not list(tmp_path.glob("crash-*"))
