"""The Prometheus config and alert rules pass promtool (and the rules' own unit tests); the Grafana dashboard only
queries metrics sitrep defines. promtool comes from Debian's `prometheus` package: skipped locally when missing,
a failure in CI (CI=true)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import orjson
import pytest
from prometheus_client import REGISTRY

import sitrep.metrics  # noqa: F401 - registers every sitrep metric
from tests.conftest import ROOT

pytestmark = pytest.mark.integration
PROM = ROOT / "deploy" / "prometheus"
GRAFANA = ROOT / "deploy" / "grafana"


def _promtool() -> str:
    found = shutil.which("promtool")
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("promtool missing in CI (apt-get install prometheus)")
        pytest.skip("promtool not installed (apt-get install prometheus)")
    return found


@pytest.mark.parametrize("args", [
    ["check", "config", str(PROM / "prometheus.yml")],
    ["check", "rules", str(PROM / "alerts.yml")],
    ["test", "rules", str(PROM / "alerts.test.yml")],
])
def test_promtool_accepts(args: list[str]) -> None:
    result = subprocess.run([_promtool(), *args], capture_output=True, text=True, timeout=60, cwd=PROM)
    assert result.returncode == 0, result.stdout + result.stderr


def _sitrep_metric_names() -> set[str]:
    names = set()
    for metric in REGISTRY.collect():
        for sample in metric.samples:
            names.add(sample.name)
        names.add(metric.name)
    # counters are exposed with _total; histograms with _bucket/_count/_sum
    return names | {n + suffix for n in names for suffix in ("_total", "_bucket", "_count", "_sum")}


def _referenced(text: str) -> set[str]:
    return set(re.findall(r"\bsitrep_[a-z_]+", text))


def test_rules_and_dashboard_only_use_metrics_that_exist() -> None:
    known = _sitrep_metric_names()
    rules = _referenced((PROM / "alerts.yml").read_text())
    dashboard = orjson.loads((GRAFANA / "dashboards" / "sitrep-pipeline.json").read_bytes())
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p.get("targets", []))
    used = rules | _referenced(exprs)
    assert len(used) >= 10  # the regex found the expressions at all
    assert used - known == set()
    assert dashboard["uid"] and all(p["datasource"]["uid"] == "sitrep-prometheus" for p in dashboard["panels"])
    assert "uid: sitrep-prometheus" in (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text()
