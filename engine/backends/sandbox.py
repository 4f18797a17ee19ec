"""Run untrusted policy work in a child process with time, memory and output limits.

durable-rules can freeze the whole process (`create_ruleset` looping forever while holding
the GIL) or crash it (a segfault) on some rulesets; engine/backends/durable.py refuses every
such case known (shared/notes/durable-rules.md), but a policy that arrives over HTTP must
not be able to take the service down through one that is not known yet.

`run_child(module, payload, ...)` is the one way to do that: it starts `python -m <module>`
(fork+exec by `subprocess`, safe from a threaded server) with a minimal environment, writes the
payload as JSON on its stdin, and reads one JSON line back from a private copy of the child's
stdout (anything the C engine prints goes to stderr). The child (`child_main`) runs under
resource limits: no core files, at most `memory` bytes of address space, and a CPU-time limit a
little above the wall-clock timeout so that a child orphaned by a killed server still ends by
itself. The parent kills the child after `timeout` seconds and reads at most `max_output` bytes.

Two children use it: `compile_candidate` here (`python -m engine.backends.sandbox`: validate,
compile, optionally smoke-evaluate; 10 s) and the impact replay of a candidate
(`python -m engine.audit.impact_child`: compile it and replay logged decisions under it; 120 s).

Test hook: `REGIMES_SANDBOX_TEST_CRASH=segv|hang|exit` makes a child kill itself with SIGSEGV,
sleep forever, or exit without an answer. `segv@impact` (or `@compile`) limits it to one kind of
child; the impact child fires it during the replay (at its first decision). It is read only in
the children (`test_hook`), so that tests can check that a crashing or hanging child is refused
while the parent stays alive.
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
from collections.abc import Callable
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
MAX_OUTPUT = 64 * 1024**2  # bytes of answer read from a child; more and the child is killed
MAX_CONCURRENT = 4  # compile children at once; more callers wait (each child is bounded by its timeout)
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


class ChildFailure(Exception):
    """The child gave no answer. `kind`: timeout, signal, exit, too_large, busy, start; `detail`: the signal
    name, the exit code or the reason; the caller words the message (it knows what the child was doing)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind} {detail}".strip())
        self.kind = kind
        self.detail = detail


def run_child(module: str, payload: dict[str, Any], *, timeout: float, label: str,
              memory: int = MEMORY_LIMIT, max_output: int = MAX_OUTPUT,
              slots: threading.BoundedSemaphore | None = None, wait: float | None = None) -> dict[str, Any]:
    """The one JSON answer of `python -m module` given `payload` on stdin; ChildFailure if it gave none.

    `label` names the work in the server log. At most `slots` children of a kind run at once; a caller
    waits for a slot at most `wait` seconds (None: as long as it takes), else ChildFailure("busy")."""
    gate = slots or _slots
    if not gate.acquire(timeout=wait):
        raise ChildFailure("busy")
    try:
        return _run(module, payload, timeout, label, memory, max_output)
    finally:
        gate.release()


def _run(module: str, payload: dict[str, Any], timeout: float, label: str, memory: int,
         max_output: int) -> dict[str, Any]:
    command = [sys.executable, "-m", module, repr(float(timeout)), str(memory)]
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
    try:
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 cwd=_ROOT, env=child_environment())
    except OSError as exc:
        raise ChildFailure("start", str(exc)) from None
    out: list[bytes] = []
    err: list[bytes] = []
    # the pipes are fed and drained by threads, so a child that stops reading or writing (hung) cannot block
    # this thread past the timeout
    readers = [threading.Thread(target=_feed, args=(child.stdin, data), daemon=True),
               threading.Thread(target=_drain, args=(child.stdout, out, max_output + 1, child), daemon=True),
               threading.Thread(target=_drain, args=(child.stderr, err, 0, None), daemon=True)]
    for reader in readers:
        reader.start()
    try:
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            log.warning("%s 超时（%s 秒），已终止子进程", label, _seconds(timeout))
            raise ChildFailure("timeout", _seconds(timeout)) from None
    finally:
        if child.poll() is None:  # an exception above (e.g. interrupted): never leave a child behind
            child.kill()
            child.wait()
        for reader in readers:
            reader.join(timeout=5)
    stdout, stderr = b"".join(out), b"".join(err)[-2000:].decode(errors="replace")
    if len(stdout) > max_output:
        log.warning("%s 的结果超过 %d 字节，已丢弃", label, max_output)
        raise ChildFailure("too_large", str(max_output))
    if child.returncode < 0:
        name = _signal_name(-child.returncode)
        log.warning("%s 的子进程被信号 %s 终止：%s", label, name, stderr)
        if -child.returncode == signal.SIGXCPU:
            raise ChildFailure("timeout", _seconds(timeout))
        raise ChildFailure("signal", name)
    answer = _answer(stdout)
    if answer is None or child.returncode != 0:
        log.warning("%s 的子进程异常退出（退出码 %s）：%s", label, child.returncode, stderr)
        raise ChildFailure("exit", str(child.returncode))
    return answer


def _feed(stream: Any, data: bytes) -> None:
    try:
        stream.write(data)
        stream.close()
    except OSError:  # the child died before reading all of it: its exit status tells why
        pass


def _drain(stream: Any, into: list[bytes], cap: int, child: subprocess.Popen[bytes] | None) -> None:
    """Read a child's pipe to the end (so it never blocks on a full pipe); keep at most `cap` bytes of it
    (0: only the last 64 KiB), killing `child` once it has written more than `cap`."""
    size = 0
    for block in iter(lambda: stream.read(65536), b""):
        size += len(block)
        if cap:
            if size <= cap:
                into.append(block)
            elif child is not None:
                into.append(block[: max(0, cap - (size - len(block)))])
                child.kill()
                break
        else:
            into.append(block)
            if len(into) > 2:
                del into[0]
    stream.close()


def compile_candidate(text: str, filename: str, base_dir: Path | None, timeout: float = DEFAULT_TIMEOUT,
                      smoke: bool = False, *, compile_here: bool = True) -> Regime:
    """The validated Regime of `text`, compiled in this process too unless `compile_here=False`;
    PolicyError (Chinese `file:line:col: message` lines) otherwise.

    Validation and compilation run first in a child process killed after `timeout` seconds, so a policy
    that would hang or crash the rules engine is refused with a clear message. With `compile_here=False`
    this process only parses the text (never touching durable-rules): the impact replay of a candidate
    compiles it again in its own child (engine/audit/impact_child.py)."""
    payload = {"text": text, "filename": filename, "base_dir": str(base_dir.resolve()) if base_dir else "",
               "smoke": smoke}
    timed_out = f"{filename}: 规则编译超时（超过 {_seconds(timeout)} 秒），可能触发了规则引擎的缺陷，已拒绝"
    try:
        answer = run_child("engine.backends.sandbox", payload, timeout=timeout, label=f"候选规则 {filename} 的编译")
    except ChildFailure as exc:
        if exc.kind == "timeout":
            raise PolicyError([timed_out]) from None
        if exc.kind == "signal":
            raise PolicyError([f"{filename}: 规则编译进程因信号 {exc.detail} 异常终止，可能触发了规则引擎的缺陷，"
                               "已拒绝"]) from None
        if exc.kind == "exit":
            raise PolicyError([f"{filename}: 规则编译进程异常退出（退出码 {exc.detail}），未给出结果，已拒绝"]) from None
        if exc.kind == "too_large":
            raise PolicyError([f"{filename}: 规则编译进程输出过多，已拒绝"]) from None
        raise EngineError(f"无法启动规则编译进程：{exc.detail}") from None
    if answer.get("errors"):
        raise PolicyError([str(e) for e in answer["errors"]])
    regime = load_regime_text(text, filename, base_dir)  # never touches durable-rules
    if regime.hash != answer.get("hash"):
        raise PolicyError([f"{filename}: 规则编译进程与服务对同一文件的解析结果不一致，已拒绝"])
    if compile_here:
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


def _limit_resources(timeout: float, memory: int = MEMORY_LIMIT) -> None:
    import resource

    for limit, value in ((resource.RLIMIT_CORE, 0), (resource.RLIMIT_AS, memory),
                         (resource.RLIMIT_CPU, math.ceil(timeout) + 2)):
        try:
            soft, hard = resource.getrlimit(limit)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(limit, (value, hard))
        except (ValueError, OSError):  # a limit this platform does not allow lowering: the parent's timeout still holds
            pass


def test_hook(stage: str) -> None:
    """The crash/hang test hook (module docstring); `stage` is `compile` or `impact`. Called only in children."""
    how, _, where = os.environ.get(TEST_HOOK_ENV, "").partition("@")
    if where and where != stage:
        return
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


def compile_errors(text: str, filename: str, base_dir: Path | None, memory: int = MEMORY_LIMIT,
                   smoke: bool = False) -> tuple[Regime | None, list[str]]:
    """(the compiled Regime, []) or (None, Chinese error lines): the children's validate + compile step."""
    try:
        regime = load_regime_text(text, filename, base_dir)
        get_backend().prepare(regime)
        if smoke:
            _smoke(regime)
    except PolicyError as exc:
        return None, exc.errors
    except CompileError as exc:
        return None, [f"{filename}:1:1: {exc}"]
    except MemoryError:
        return None, [f"{filename}: 规则编译所需内存超过上限（{memory // 1024**2} MiB），已拒绝"]
    except RecursionError:
        return None, [f"{filename}: 规则嵌套层次过深，无法编译"]
    except Exception as exc:  # an unforeseen failure still refuses the candidate with a message, not a traceback
        return None, [f"{filename}: 规则无法编译（{exc.__class__.__name__}: {str(exc)[:200]}）"]
    return regime, []


def child_main(argv: list[str], stage: str, work: Callable[[dict[str, Any], int], dict[str, Any]]) -> int:
    """Entry point of a child: limits, test hook (`compile` fires it before any work), payload from stdin,
    `work(payload, memory)`, one JSON line on a private copy of stdout."""
    timeout, memory = float(argv[0]), int(argv[1])
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever the engine prints cannot corrupt the answer
    _limit_resources(timeout, memory)
    if stage == "compile":
        test_hook(stage)
    payload = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogatepass"))
    answer = work(payload, memory)
    out.write(json.dumps(answer, ensure_ascii=False, default=str) + "\n")
    out.flush()
    return 0


def _compile_work(payload: dict[str, Any], memory: int) -> dict[str, Any]:
    filename, base = str(payload["filename"]), str(payload.get("base_dir") or "")
    regime, errors = compile_errors(str(payload["text"]), filename, Path(base) if base else None, memory,
                                    bool(payload.get("smoke")))
    return {"errors": errors} if regime is None else {"ok": True, "hash": regime.hash}


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:], "compile", _compile_work))
