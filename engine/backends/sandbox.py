"""Validate and compile an untrusted candidate policy in a child process, with a time limit.

durable-rules can freeze the whole process (`create_ruleset` looping forever while holding
the GIL) or crash it (a segfault) on some rulesets; engine/durable_adapter.py refuses every
such case known (shared/notes/durable-rules.md), but a policy that arrives over HTTP must
not be able to take the service down through one that is not known yet. So
`compile_candidate` first runs `load_regime_text` + `compile_ruleset` in a fresh
interpreter (`python -m engine.backends.sandbox`, started with fork+exec by `subprocess`, which is
safe from a threaded server), kills it after `timeout` seconds, and only if the child
compiled the policy cleanly does the parent build and compile the same text itself.

The child reads the policy text on stdin and writes one JSON line on a private copy of
its stdout (`{"ok": true, "hash": ...}` or `{"errors": [...]}`); anything the C engine
prints goes to stderr. It runs under resource limits: no core files, at most
`MEMORY_LIMIT` bytes of address space, and a CPU-time limit a little above the wall-clock
timeout so that a child orphaned by a killed server still ends by itself.

Test hook: `REGIMES_SANDBOX_TEST_CRASH=segv|hang|exit` makes the child kill itself with
SIGSEGV, sleep forever, or exit without an answer, before compiling anything. It is read
only in the child's entry point (`_child_main`), so that tests can check that a crashing
or hanging compile is refused while the parent stays alive.
"""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from engine.backends import get_backend
from engine.backends.base import Instance
from engine.errors import CompileError, EngineError
from engine.policy.model import Regime
from engine.policy.validate import PolicyError, load_regime_text

log = logging.getLogger("regimes.sandbox")

DEFAULT_TIMEOUT = 10.0
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the child
MAX_CONCURRENT = 4  # children at once; more callers wait (each child is bounded by its timeout)
TEST_HOOK_ENV = "REGIMES_SANDBOX_TEST_CRASH"
_ROOT = Path(__file__).resolve().parents[2]
_slots = threading.BoundedSemaphore(MAX_CONCURRENT)


def _seconds(timeout: float) -> str:
    return str(int(timeout)) if float(timeout).is_integer() else f"{timeout:g}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"信号 {number}"


def child_environment() -> dict[str, str]:
    """The child gets no secrets: not the tokens, not the database URL, nothing but what Python needs."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    for name in ("PYTHONPATH", "VIRTUAL_ENV", TEST_HOOK_ENV):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def compile_candidate(text: str, filename: str, base_dir: Path | None, timeout: float = DEFAULT_TIMEOUT,
                      smoke: bool = False) -> Regime:
    """The validated, compiled Regime of `text`; PolicyError (Chinese `file:line:col: message` lines) otherwise.

    Validation and compilation run first in a child process killed after `timeout` seconds,
    so a policy that would hang or crash the rules engine is refused with a clear message."""
    command = [sys.executable, "-m", "engine.backends.sandbox", filename, str(base_dir.resolve()) if base_dir else "",
               repr(float(timeout))] + (["smoke"] if smoke else [])
    timed_out = f"{filename}: 规则编译超时（超过 {_seconds(timeout)} 秒），可能触发了规则引擎的缺陷，已拒绝"
    with _slots:
        try:
            done = subprocess.run(command, input=text.encode("utf-8", "surrogatepass"), capture_output=True,
                                  timeout=timeout, cwd=_ROOT, check=False, env=child_environment())
        except subprocess.TimeoutExpired:  # subprocess.run has killed the child (SIGKILL) and reaped it
            log.warning("候选规则 %s 编译超时（%s 秒），已终止编译进程", filename, _seconds(timeout))
            raise PolicyError([timed_out]) from None
        except OSError as exc:
            raise EngineError(f"无法启动规则编译进程：{exc}") from None
    answer = _answer(done.stdout)
    if done.returncode < 0:
        name = _signal_name(-done.returncode)
        log.warning("候选规则 %s 的编译进程被信号 %s 终止：%s", filename, name, done.stderr[-2000:].decode(errors="replace"))
        if -done.returncode == signal.SIGXCPU:
            raise PolicyError([timed_out])
        raise PolicyError([f"{filename}: 规则编译进程因信号 {name} 异常终止，可能触发了规则引擎的缺陷，已拒绝"])
    if answer is None or done.returncode != 0:
        log.warning("候选规则 %s 的编译进程异常退出（退出码 %s）：%s", filename, done.returncode,
                    done.stderr[-2000:].decode(errors="replace"))
        raise PolicyError([f"{filename}: 规则编译进程异常退出（退出码 {done.returncode}），未给出结果，已拒绝"])
    if answer.get("errors"):
        raise PolicyError([str(e) for e in answer["errors"]])
    regime = load_regime_text(text, filename, base_dir)  # never touches durable-rules
    if regime.hash != answer.get("hash"):
        raise PolicyError([f"{filename}: 规则编译进程与服务对同一文件的解析结果不一致，已拒绝"])
    try:
        get_backend().prepare(regime)  # the child has just shown this returns
    except CompileError as exc:
        raise PolicyError([f"{filename}:1:1: {exc}"]) from None
    return regime


def _answer(stdout: bytes) -> dict[str, Any] | None:
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        value = json.loads(lines[-1])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# ---------------------------------------------------------------- the child


def _limit_resources(timeout: float) -> None:
    import resource

    for limit, value in ((resource.RLIMIT_CORE, 0), (resource.RLIMIT_AS, MEMORY_LIMIT),
                         (resource.RLIMIT_CPU, math.ceil(timeout) + 2)):
        try:
            soft, hard = resource.getrlimit(limit)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(limit, (value, hard))
        except (ValueError, OSError):  # a limit this platform does not allow lowering: the parent's timeout still holds
            pass


def _test_hook() -> None:
    how = os.environ.get(TEST_HOOK_ENV, "")
    if how == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif how == "hang":
        threading.Event().wait()
    elif how == "exit":
        os._exit(3)


def _smoke(regime: Regime) -> None:
    """Evaluate the compiled ruleset once on an instance of every kind it reads, with and without facts:
    a ruleset that crashes the engine on use does so here, in the child."""
    backend = get_backend()
    kinds = sorted({rule.instance_kind for rule in regime.rules})
    for data in ({}, {"id": "smoke"}):
        instances = [Instance(kind, n, dict(data), kind, "smoke") for n, kind in enumerate(kinds)]
        backend.run(regime, instances)


def _compile(text: str, filename: str, base_dir: Path | None, smoke: bool = False) -> dict[str, Any]:
    try:
        regime = load_regime_text(text, filename, base_dir)
        get_backend().prepare(regime)
        if smoke:
            _smoke(regime)
    except PolicyError as exc:
        return {"errors": exc.errors}
    except CompileError as exc:
        return {"errors": [f"{filename}:1:1: {exc}"]}
    except MemoryError:
        return {"errors": [f"{filename}: 规则编译所需内存超过上限（{MEMORY_LIMIT // 1024**2} MiB），已拒绝"]}
    except RecursionError:
        return {"errors": [f"{filename}: 规则嵌套层次过深，无法编译"]}
    except Exception as exc:  # an unforeseen failure still refuses the candidate with a message, not a traceback
        return {"errors": [f"{filename}: 规则无法编译（{exc.__class__.__name__}: {str(exc)[:200]}）"]}
    return {"ok": True, "hash": regime.hash}


def _child_main(argv: list[str]) -> int:
    filename, base, timeout = argv[0], argv[1], float(argv[2])
    smoke = len(argv) > 3 and argv[3] == "smoke"
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever the engine prints cannot corrupt the answer
    _limit_resources(timeout)
    _test_hook()
    text = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
    answer = _compile(text, filename, Path(base) if base else None, smoke)
    out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
