"""RSS of one server process over N reloads of a changed policy and N impact candidates (RELIABILITY.md).

    .venv/bin/python -m bench.lifecycle_rss --reloads 200 --candidates 200 --output /tmp/lifecycle.json

The server (`uvicorn service.app:app`, one process) serves a temporary copy of liaoning-2026 with 20 logged
decisions. Each reload changes the policy's version (and every other one a title rule), so each is a new content
hash; each candidate is a new hash too and replays the 20 decisions. RSS is sampled every 25 steps. Any non-2xx
answer stops the run with an error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "staff-bench-lifecycle"
TITLES = "titles: [senior, associate_senior]"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, work: Path):
        self.url = f"http://127.0.0.1:{_port()}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGIMES_")}
        env.update(REGIMES_POLICIES=str(work / "policies"), REGIMES_DATABASE_URL=f"sqlite:///{work / 'd.db'}",
                   REGIMES_TOKENS=f"staff:{TOKEN}", REGIMES_LOG_LEVEL="WARNING", REGIMES_RATE_LIMIT="0")
        self.log = (work / "server.log").open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "service.app:app", "--port",
                                      self.url.rsplit(":", 1)[1], "--log-level", "warning"],
                                     cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def request(self, method: str, path: str, body: bytes | None = None,
                ctype: str = "application/json") -> tuple[int, bytes]:
        req = urllib.request.Request(self.url + path, data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", ctype)
        req.add_header("Authorization", f"Bearer {TOKEN}")
        try:
            with urllib.request.urlopen(req, timeout=300) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def ok(self, method: str, path: str, body: bytes | None = None, ctype: str = "application/json") -> bytes:
        code, data = self.request(method, path, body, ctype)
        if code != 200:
            raise RuntimeError(f"{method} {path} → {code}: {data[:300]!r}")
        return data

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


def measure(reloads: int, candidates: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="regimes-lifecycle-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "policies" / "sources", work / "policies" / "sources")
        (work / "policies" / "liaoning").mkdir()
        policy = work / "policies" / "liaoning" / "2026.yaml"
        base = (ROOT / "policies" / "liaoning" / "2026.yaml").read_text(encoding="utf-8")
        if TITLES not in base:
            raise RuntimeError(f"liaoning-2026 no longer has '{TITLES}': adjust bench/lifecycle_rss.py")
        policy.write_text(base, encoding="utf-8")

        def variant(n: int) -> str:
            text = base.replace(TITLES, "titles: [senior]", 1) if n % 2 else base
            return re.sub(r"(?m)^version: .*$", f"version: 7.{n // 1000}.{n % 1000}", text, count=1)

        facts = yaml.safe_load((ROOT / "examples" / "liaoning-2026" / "compliant.yaml").read_text(encoding="utf-8"))
        body = json.dumps({"regime": "liaoning-2026", "as_of": "2026-06-01", "facts": facts}, default=str).encode()
        srv = Server(work)
        try:
            for _ in range(20):
                srv.ok("POST", "/v1/evaluate", body)
            for n in range(3):  # warm-up: the first reloads and candidate allocate what stays
                policy.write_text(variant(n), encoding="utf-8")
                srv.ok("POST", "/v1/admin/reload")
            srv.ok("POST", "/v1/impact", variant(5000).encode(), "application/yaml")
            out: dict[str, Any] = {"reload_start_mb": round(srv.rss_mb(), 1)}
            samples, started = [], time.time()
            for n in range(3, 3 + reloads):
                policy.write_text(variant(n), encoding="utf-8")
                srv.ok("POST", "/v1/admin/reload")
                if (n - 2) % 25 == 0:
                    samples.append((n - 2, round(srv.rss_mb(), 1)))
                    print("reloads", *samples[-1], flush=True)
            out.update(reload_end_mb=round(srv.rss_mb(), 1), reload_samples=samples,
                       reload_seconds=round(time.time() - started))
            out["candidate_start_mb"] = round(srv.rss_mb(), 1)
            samples, started = [], time.time()
            for n in range(candidates):
                srv.ok("POST", "/v1/impact", variant(10001 + 2 * n).encode(), "application/yaml")
                if (n + 1) % 25 == 0:
                    samples.append((n + 1, round(srv.rss_mb(), 1)))
                    print("candidates", *samples[-1], flush=True)
            out.update(candidate_end_mb=round(srv.rss_mb(), 1), candidate_samples=samples,
                       candidate_seconds=round(time.time() - started))
            return out
        finally:
            srv.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    out = measure(args.reloads, args.candidates)
    text = json.dumps(out, ensure_ascii=False, indent=1)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
