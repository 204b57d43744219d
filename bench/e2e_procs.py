"""bench/e2e.py's process handling: sitrep services as real subprocesses, and their CPU and memory."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServiceProc:
    """`python -m sitrep.cli <command>` with its own metrics port, log file and working directory."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name, self.command = name, command
        self.port = free_port()
        self.env = {**env, "SITREP_METRICS_PORT": str(self.port)}
        self.workdir = workdir / name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.workdir / "service.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProc:
        log = self.log_path.open("ab")
        # own working directory: a faust worker keeps its data dir in the cwd
        self.proc = subprocess.Popen([sys.executable, "-m", "sitrep.cli", *self.command], env=self.env,
                                     cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def healthy(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{tail}")
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def metrics(self) -> str:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=5).text
        except httpx.HTTPError:
            return ""

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def wait_until(check: object, timeout: float, what: str, interval: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def metric_sum(text: str, name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels`` (substring match on the value for `*`)."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        metric, _, label_part = head.partition("{")
        if metric != name:
            continue
        ok = True
        for k, v in labels.items():
            if v.startswith("*"):
                ok = ok and f'{k}="' in label_part and f'{v[1:]}"' in label_part
            else:
                ok = ok and f'{k}="{v}"' in label_part
        if ok:
            total += float(value)
    return total


class ResourceMeter:
    """CPU seconds (user+system) between start() and stop(), and peak resident memory (sampled, and the kernel's
    own high-water mark VmHWM) of a set of named pids."""

    def __init__(self, pids: dict[str, list[int]], interval: float = 0.25) -> None:
        self.procs = {name: [psutil.Process(p) for p in ps] for name, ps in pids.items()}
        self.interval = interval
        self.cpu0: dict[str, float] = {}
        self.peak_rss: dict[str, float] = {name: 0.0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _cpu(p: psutil.Process) -> float:
        try:
            t = p.cpu_times()  # the process's own: the harness's children are the services, counted apart
            return t.user + t.system
        except psutil.Error:
            return 0.0

    def _rss(self, name: str) -> float:
        total = 0.0
        for p in self.procs[name]:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            for name in self.procs:
                self.peak_rss[name] = max(self.peak_rss[name], self._rss(name))

    @staticmethod
    def _machine_busy() -> float:
        t = psutil.cpu_times()
        return sum(t) - t.idle - getattr(t, "iowait", 0.0)

    def start(self) -> ResourceMeter:
        self.busy0 = self._machine_busy()
        self.cpu0 = {name: sum(self._cpu(p) for p in ps) for name, ps in self.procs.items()}
        self._thread.start()
        return self

    def stop(self) -> dict[str, dict[str, float]]:
        self._stop.set()
        self._thread.join()
        out = {}
        for name, ps in self.procs.items():
            cpu = sum(self._cpu(p) for p in ps) - self.cpu0[name]
            hwm = sum(_vm_hwm(p.pid) for p in ps)
            out[name] = {"cpu_seconds": round(cpu, 2),
                         "peak_rss_mb": round(max(self.peak_rss[name], hwm) / 2**20, 1)}
        # the machine is shared: CPU that other processes took in the meantime is CPU the benchmark did not have
        others = self._machine_busy() - self.busy0 - sum(v["cpu_seconds"] for v in out.values())
        out["other processes"] = {"cpu_seconds": round(max(others, 0.0), 2), "peak_rss_mb": 0.0}
        return out


def _vm_hwm(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) * 1024
    except OSError:
        pass
    return 0.0
