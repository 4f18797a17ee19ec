"""The impact replay of an untrusted candidate policy, run whole in a sandboxed child process.

A candidate that arrives over HTTP (`POST /v1/impact`, the /staff page) is never compiled or evaluated in the
server: `impact_in_child` starts `python -m engine.audit.impact_child` through engine.backends.sandbox
(`run_child`: minimal environment, wall-clock and CPU-time limits, address-space limit, output cap) and gives it,
as JSON on stdin, the candidate text, the folder it is read as if it sat in (for `source_text`), the decision
log's URL (on stdin, never in the environment), the policies the server now serves (for the edition the
candidate replaces) and the decision limit. The child validates and compiles the candidate, runs
`engine.audit.replay.impact` and writes the impact JSON (the same shape `impact()` returns) on its private stdout.

A child that crashes (the candidate hit an engine defect on some logged facts) refuses the candidate (422);
one that runs out of time, a full set of children or an unreachable log is a 503; the server lives on.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from engine.audit.replay import ReplayError, impact
from engine.audit.store import NoDecisionLog, canonical_json, open_existing
from engine.backends.sandbox import MEMORY_LIMIT, ChildFailure, child_main, compile_errors, run_child, test_hook
from engine.errors import EngineError
from engine.policy.model import Regime
from engine.policy.validate import PolicyError, load_regime_text
from engine.registry import Registry

IMPACT_TIMEOUT = 120.0  # seconds for the whole replay (compile included); callers may pass their own
DEFAULT_LIMIT = 10_000  # decisions replayed unless the caller asks for another number
MAX_LIMIT = 100_000
MAX_CHILDREN = 2  # impact children at once; the next caller waits up to BUSY_WAIT seconds, then is told to retry
BUSY_WAIT = 10.0
_slots = threading.BoundedSemaphore(MAX_CHILDREN)


class ImpactError(ReplayError):
    """The impact could not be computed (time limit, too many at once, log unavailable); the message says why
    and what to do. An HTTP answer of `status` naming `field` (service/app.py handles ReplayError)."""


def impact_in_child(text: str, filename: str, base_dir: Path | None, database_url: str,
                    registry: Registry | None = None, limit: int | None = DEFAULT_LIMIT,
                    timeout: float | None = None, memory: int = MEMORY_LIMIT) -> dict[str, Any]:
    """`impact()` of the candidate `text` over the log at `database_url`, computed in a sandboxed child.

    PolicyError (422) when the candidate is invalid or crashed the child; ImpactError otherwise. With `limit`,
    at most that many decisions are replayed; a truncated answer carries a Chinese `notice` saying so."""
    seconds = IMPACT_TIMEOUT if timeout is None else timeout
    served = [canonical_json(r.data) for r in (registry.regimes.values() if registry is not None else [])]
    payload = {"text": text, "filename": filename, "base_dir": str(base_dir.resolve()) if base_dir else "",
               "database_url": database_url, "served": served, "limit": limit}
    try:
        answer = run_child("engine.audit.impact_child", payload, timeout=seconds, label=f"候选规则 {filename} 的影响分析",
                           memory=memory, slots=_slots, wait=BUSY_WAIT)
    except ChildFailure as exc:
        raise _failure(exc, filename, limit) from None
    if answer.get("errors"):
        raise PolicyError([str(e) for e in answer["errors"]])
    if answer.get("unavailable"):
        raise ImpactError(str(answer["unavailable"]), "body", 503)
    out: dict[str, Any] = answer["impact"]
    if out.get("truncated"):
        out["notice"] = (f"已记录的决策超过上限，只重放了前 {out.get('decisions', limit)} 条（limit={limit}），其余未重放；"
                         f"如需更多，请加大 limit（最大 {MAX_LIMIT}），或在服务器上运行 regimes impact")
    return out


def _failure(exc: ChildFailure, filename: str, limit: int | None) -> Exception:
    crashed = f"{filename}: 按候选规则重放已记录决策时，分析进程"
    if exc.kind == "signal":
        return PolicyError([f"{crashed}因信号 {exc.detail} 异常终止，可能触发了规则引擎的缺陷，已拒绝"])
    if exc.kind == "exit":
        return PolicyError([f"{crashed}异常退出（退出码 {exc.detail}），未给出结果，已拒绝"])
    fewer = f"请用 limit 减少重放的决策数（本次 {limit}）后重试" if limit else "请用 limit 限定重放的决策数后重试"
    if exc.kind == "timeout":
        return ImpactError(f"影响分析超时（超过 {exc.detail} 秒），已终止：{fewer}", "limit", 503)
    if exc.kind == "too_large":
        return ImpactError(f"影响分析的结果过大（超过 {int(exc.detail) // 1024**2} MiB）：{fewer}", "limit", 422)
    if exc.kind == "busy":
        return ImpactError(f"同时进行的影响分析已达上限（{MAX_CHILDREN} 个），请稍后重试", "body", 503)
    return ImpactError(f"无法启动影响分析进程：{exc.detail}", "body", 503)


# ---------------------------------------------------------------- the child


def _served(texts: list[str]) -> Registry:
    """The policies the server serves, rebuilt exactly from their data (no engine, no source files)."""
    regimes: dict[str, Regime] = {}
    for text in texts:
        regime = load_regime_text(text, "<已加载的规则>", check_quotes=False)
        regimes[regime.id] = regime
    return Registry(regimes=regimes)


def _work(payload: dict[str, Any], memory: int) -> dict[str, Any]:
    filename, base = str(payload["filename"]), str(payload.get("base_dir") or "")
    candidate, errors = compile_errors(str(payload["text"]), filename, Path(base) if base else None, memory)
    if candidate is None:
        return {"errors": errors}
    try:
        registry = _served(list(payload.get("served") or []))
    except PolicyError as exc:
        return {"unavailable": f"服务中的规则无法在分析进程中重建：{exc.errors[:3]}"}
    try:
        store = open_existing(str(payload["database_url"]))
    except NoDecisionLog as exc:
        return {"unavailable": str(exc)}
    fired = False

    def progress(done: int, total: int) -> None:
        nonlocal fired
        if not fired:  # the test hook fires in the middle of the replay, as an engine crash would
            fired = True
            test_hook("impact")

    limit = payload.get("limit")
    try:
        out = impact(store, candidate, progress=progress, registry=registry,
                     limit=int(limit) if limit is not None else None)
    except (EngineError, ReplayError) as exc:
        return {"errors": [f"{filename}: 按候选规则重放已记录决策时出错：{exc}"]}
    except MemoryError:
        return {"errors": [f"{filename}: 影响分析所需内存超过上限（{memory // 1024**2} MiB），请减少 limit"]}
    except SQLAlchemyError as exc:  # the log failed under us: the server says so, no traceback
        return {"unavailable": f"影响分析时决策日志不可用（{exc.__class__.__name__}），请稍后重试"}
    except Exception as exc:  # an unforeseen failure: a message, never a traceback
        return {"unavailable": f"影响分析出错（{exc.__class__.__name__}: {str(exc)[:200]}）"}
    finally:
        store.close()
    if not fired:
        test_hook("impact")
    return {"ok": True, "impact": out}


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:], "impact", _work))
