"""Read YAML (and JSON, a subset of it) keeping every node's line and column.

Dates stay strings: PyYAML would otherwise build `date` objects and crash on an
impossible date such as 2026-02-30 before any validator could name the field.
Duplicate keys and aliases are refused: the first silently loses data, the second
allows alias bombs and is never needed in a policy or a facts file.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

MAX_NODES = 200_000
MAX_DEPTH = 64  # policies need ~15 levels, facts ~4; deeper is hostile, and recursion has limits


class YamlError(Exception):
    """A syntax or structure error at a known position (1-based line and column)."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col

    def at(self, filename: str) -> str:
        if self.line is None:
            return f"{filename}: {self.message}"
        return f"{filename}:{self.line}:{self.col}: {self.message}"


@dataclass
class Document:
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path) -> tuple[int, int]:
        """Line and column of the deepest node of `path` that exists in the file."""
        path = tuple(path)
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load(text: str) -> Document:
    """Parse one YAML document; raise YamlError with a Chinese message on any problem."""
    try:
        loader = _Loader(text)  # the reader rejects control characters here, before any node
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML 语法错误：{_problem(exc)}", *_position(exc)) from None
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise YamlError(f"YAML 语法错误：{_problem(exc)}", *_position(exc)) from None
        except RecursionError:
            raise YamlError("嵌套层次过深，无法解析") from None
        if root is None:
            return Document(None, {(): (1, 1)})
        positions: dict[Path, tuple[int, int]] = {}
        seen: set[int] = set()

        def walk(node: yaml.Node, path: Path) -> Any:
            if len(path) > MAX_DEPTH:
                raise YamlError(f"嵌套层次过深（超过 {MAX_DEPTH} 层）", *_mark(node))
            if id(node) in seen:
                raise YamlError("不支持 YAML 别名（&锚点 / *引用），请直接写出内容", *_mark(node))
            seen.add(id(node))
            if len(seen) > MAX_NODES:
                raise YamlError(f"文件过大：超过 {MAX_NODES} 个节点", *_mark(node))
            positions[path] = _mark(node)
            if isinstance(node, yaml.MappingNode):
                out: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    if not isinstance(key_node, yaml.ScalarNode):
                        raise YamlError("键必须是简单文本", *_mark(key_node))
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        raise YamlError("不支持 YAML 合并键 '<<'", *_mark(key_node))
                    try:
                        key = loader.construct_object(key_node)
                    except yaml.YAMLError as exc:
                        raise YamlError(f"无法解析的键：{_problem(exc)}", *_mark(key_node)) from None
                    if not isinstance(key, str):
                        key = str(key)
                    if key in out:
                        raise YamlError(f"重复的键 '{key}'", *_mark(key_node))
                    if key == "<<":
                        raise YamlError("不支持 YAML 合并键 '<<'", *_mark(key_node))
                    out[key] = walk(value_node, path + (key,))
                return out
            if isinstance(node, yaml.SequenceNode):
                return [walk(item, path + (i,)) for i, item in enumerate(node.value)]
            try:
                return loader.construct_object(node)
            except (yaml.YAMLError, ValueError) as exc:  # ValueError: an integer with thousands of digits
                raise YamlError(f"无法解析的值：{str(exc)[:80]}", *_mark(node)) from None

        try:
            return Document(walk(root, ()), positions)
        except RecursionError:
            raise YamlError("嵌套层次过深，无法解析") from None
    finally:
        loader.dispose()


# PyYAML's messages, in Chinese: (pattern in its problem or context, text). The position reported is where the
# construct that is wrong *started* (an unclosed [ on line 2, not the end of the file where PyYAML noticed).
_MESSAGES: tuple[tuple[str, str], ...] = (
    ("while parsing a flow sequence", "此处开始的 [ … ] 列表没有正确闭合（缺少 ] 或逗号）"),
    ("while parsing a flow mapping", "此处开始的 { … } 映射没有正确闭合（缺少 } 或逗号）"),
    ("mapping values are not allowed here", "此处不能再写“键: 值”（可能缺少换行、缩进不对或值需要加引号）"),
    ("found character '\\t' that cannot start any token", "不能用制表符（Tab）缩进，请改用空格"),
    ("found character", "含有不能出现在此处的字符（可能需要加引号）"),
    ("while scanning a quoted scalar", "此处开始的引号没有闭合"),
    ("while scanning a simple key", "此处的键后缺少冒号“:”"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("while parsing a block mapping", "此处开始的映射缩进不一致（同一层的键应对齐）"),
    ("while parsing a block collection", "此处开始的列表缩进不一致（“- ”应对齐）"),
    ("expected <block end>", "缩进不一致"),
    ("found duplicate anchor", "锚点（&）重复"),
    ("found undefined alias", "引用了未定义的锚点（*）"),
)


def _problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        said = f"{exc.context or ''} {exc.problem or ''}"
        for pattern, text in _MESSAGES:
            if pattern in said:
                return text
        return "无法解析（YAML 格式有误）"
    if isinstance(exc, yaml.reader.ReaderError):
        return f"文件含有不允许的控制字符（{exc.character!r}）"
    return "无法解析（YAML 格式有误）"


def _position(exc: yaml.YAMLError) -> tuple[int | None, int | None]:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        if mark:
            return mark.line + 1, mark.column + 1
    return None, None


def read_text(path: str | os.PathLike[str], max_bytes: int) -> str:
    """A UTF-8 file's text (a byte-order mark is dropped); every failure is a YamlError in Chinese."""
    name = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; then only regular files are read
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise YamlError("不是普通文件（如管道、设备或套接字），无法作为事实或规则文件读取")
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise YamlError("找不到文件") from None
    except IsADirectoryError:
        raise YamlError("这是一个目录，不是文件") from None
    except PermissionError:
        raise YamlError("没有读取该文件的权限") from None
    except OSError as exc:
        raise YamlError(f"无法读取文件（{exc.strerror or exc}）") from None
    if len(raw) > max_bytes:
        raise YamlError(f"文件过大（超过 {max_bytes} 字节）")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlError(f"文件不是有效的 UTF-8 编码（第 {exc.start + 1} 字节）", line, 1) from None


def path_text(path: Path) -> str:
    """('experts', 0, 'title') -> 'experts[0].title'"""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(根)"
