"""Wall time and peak resident memory of a command and every process it starts, from /proc."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

from tests import ROOT


def _processes() -> tuple[dict[int, list[int]], dict[int, int]]:
    """Children of every process and every process's resident bytes, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(d.name))
            rss[int(d.name)] = int(stat[21]) * page
        except (OSError, IndexError, ValueError):
            continue
    return children, rss


def tree_rss(pid: int) -> tuple[int, int, int]:
    """(resident bytes of `pid` and all its descendants, of `pid` alone, of the largest descendant:
    a worker process)."""
    children, rss = _processes()
    total, largest, stack = 0, 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        if p != pid:
            largest = max(largest, rss.get(p, 0))
        stack.extend(children.get(p, []))
    return total, rss.get(pid, 0), largest


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int, int, str]:
    """Wall time, peak RSS of the process tree, of the command's own process and of its largest
    child process (a worker), and stdout of one command."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = main = largest = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, main, largest
        while not done.is_set():
            total, own, child = tree_rss(proc.pid)
            peak, main, largest = max(peak, total), max(main, own), max(largest, child)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd[1:])} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, peak, main, largest, out
