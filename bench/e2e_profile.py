"""Sampling profiles of the running services for bench/e2e.py --profile DIR (py-spy, no change to the services).

    python bench/e2e_profile.py DIR/processor0.txt [--top 25]   # summarise one profile

py-spy writes collapsed stacks ("frame;frame;frame count"); the summary gives each function's share of the samples
inclusive (anywhere on the stack) and by itself (the leaf), which is what says where the time goes.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path


class Profiler:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.procs: list[subprocess.Popen[bytes]] = []
        out_dir.mkdir(parents=True, exist_ok=True)

    def attach(self, name: str, pid: int) -> None:
        exe = shutil.which("py-spy")
        if exe is None:
            print("py-spy not found: no profile", file=sys.stderr)
            return
        self.procs.append(subprocess.Popen(
            [exe, "record", "--nonblocking", "-r", "50", "-f", "raw", "-o", str(self.out_dir / f"{name}.txt"),
             "-p", str(pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def stop(self) -> None:
        for p in self.procs:
            p.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def summarise(path: Path, top: int = 25) -> str:
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for f in set(frames):
            inclusive[f] += n
        leaf[frames[-1]] += n
    out = [f"{path.name}: {total} samples", "  inclusive:"]
    out += [f"    {100 * n / total:5.1f}%  {f}" for f, n in inclusive.most_common(top)]
    out += ["  self:"]
    out += [f"    {100 * n / total:5.1f}%  {f}" for f, n in leaf.most_common(top)]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    for p in args.paths:
        print(summarise(p, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
