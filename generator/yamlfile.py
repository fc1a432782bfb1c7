"""The one way the tool reads YAML: site_config.yaml, agencies.yaml, calendar files, Markdown front
matter and the package's own items.yaml and holidays.yaml.

Safe types only (no Python objects), one document, at most ``MAX_BYTES``, nested at most
``MAX_DEPTH`` deep.  Aliases (``*name``) are allowed — a site may share one period block between
datasets — but their expansion is capped at ``ALIAS_BUDGET`` nodes, so that a “billion laughs”
document fails here instead of exhausting memory wherever its data is later walked.  Duplicate keys,
which PyYAML silently resolves to the last one, are errors.  Every problem is one ``E-YAML``
diagnostic with the file and line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .controls import control_problems, node_control_problems
from .diagnostics import Diagnostic, diag
from .privacy import yaml_strings

MAX_BYTES = 4 << 20      # far above any real configuration, departments list or front matter
MAX_DEPTH = 64           # a configuration is about 8 levels deep
ALIAS_BUDGET = 10_000    # nodes that aliases may add to the document once expanded

# libyaml's parser when present (faster, and it refuses absurd nesting by itself)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"

# PyYAML's problems, as an editor can act on them
_PROBLEMS = {
    "mapping values are not allowed": "此处不能出现“键: 值”（检查上一行的缩进，或值中的冒号是否需要加引号）",
    "could not find expected ':'": "缺少冒号（“键: 值”的冒号后要有空格）",
    "did not find expected key": "缩进不一致",
    "did not find expected ',' or ']'": "方括号 [ ] 没有成对，或列表项之间缺少逗号",
    "did not find expected ',' or '}'": "花括号 { } 没有成对，或项之间缺少逗号",
    "did not find expected '-' indicator": "列表项的缩进不一致",
    "cannot start any token": "此处的字符不能开头（常见原因：用了 Tab 缩进，请改用空格；以 @ 或 ` 开头的值须加引号）",
    "found undefined alias": "引用了未定义的别名（*名称 之前须有 &名称）",
    "found duplicate anchor": "锚点（&名称）重复",
    "expected a single document in the stream": "只能有一个文档（不要用 --- 分隔多个文档）",
    "found unexpected end of stream": "文件意外结束（引号或括号没有成对）",
    "found unknown escape character": "双引号中的反斜杠转义无效（路径请用单引号或正斜杠）",
}


class YamlError(ValueError):
    """A YAML input that cannot be read; ``diagnostic`` says where and why (E-YAML)."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class YamlDoc:
    """The data, and the 1-based line of every key and list item (by key path, as strings), so
    that a problem found later in the data can still name its line."""

    data: object
    lines: dict = field(default_factory=dict, repr=False)
    # (key path, text, line, column) of every scalar value, each aliased node once: what the
    # personal-data scan reads (privacy.yaml_problems, P3.3)
    texts: tuple = field(default=(), repr=False)

    def line(self, path) -> int:
        """The line of ``path`` (keys and indexes), or of its nearest ancestor that has one."""
        path = tuple(str(p) for p in path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 0


def read_yaml(path: Path, relpath: str, *, max_bytes: int = MAX_BYTES) -> YamlDoc:
    """Read the file at ``path`` (UTF-8, with or without BOM), which problems name ``relpath``;
    raises YamlError."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlError(diag("E-YAML", relpath, detail=f"文件过大（{size} 字节，上限 {max_bytes} 字节）"))
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlError(diag("E-YAML", relpath, detail=f"无法读取：{exc.strerror or exc}")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise YamlError(diag("E-YAML", relpath, line, detail=f"不是 UTF-8 编码（第 {exc.start} 字节附近），请用 UTF-8 保存")) from None
    return parse_yaml(text, relpath, max_bytes=max_bytes)


def parse_yaml(text: str, relpath: str, first_line: int = 1, *, max_bytes: int = MAX_BYTES) -> YamlDoc:
    """Parse ``text``, which starts at line ``first_line`` of ``relpath`` (front matter starts at 2)."""
    if len(text) > max_bytes:
        raise YamlError(diag("E-YAML", relpath, first_line, detail=f"内容过长（{len(text)} 字，上限 {max_bytes}）"))

    def fail(line: int, detail: str):
        return YamlError(diag("E-YAML", relpath, line + first_line, detail=detail))

    if controls := control_problems(relpath, text, first_line):  # NUL, ESC …: at their line (P5.1)
        raise YamlError(controls[0])
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None)
        _Walk(loader, fail, first_line).check(node)
        if controls := node_control_problems(node, relpath, first_line):  # written as "\0" escapes
            raise YamlError(controls[0])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise fail(mark.line if mark else 0, _explain(exc)) from None
    except yaml.YAMLError as exc:
        raise fail(0, str(exc).splitlines()[0]) from None
    except RecursionError:  # the pure-Python parser, without libyaml
        raise fail(0, f"嵌套过深（最多 {MAX_DEPTH} 层）") from None
    finally:
        loader.dispose()
    return YamlDoc(data, _lines(node, first_line), tuple(yaml_strings(node, first_line=first_line)))


def _explain(exc: yaml.MarkedYAMLError) -> str:
    problem = " ".join(p.strip() for p in (exc.context, exc.problem) if p)
    for english, chinese in _PROBLEMS.items():
        if english in problem:
            return f"{chinese}（{problem}）"
    return problem


class _Walk:
    """Checks the composed node graph before anything is constructed: depth, alias expansion
    (counted, cycles refused), duplicate keys, and scalars that cannot be constructed (a date
    that does not exist, an integer of 5,000 digits), each with its line."""

    def __init__(self, loader, fail, first_line: int):
        self.loader, self.fail, self.first_line = loader, fail, first_line
        self.sizes: dict[int, int] = {}   # id(node) → its size with every alias expanded
        self.open: set[int] = set()

    def check(self, root) -> None:
        expanded = self.size(root, 0)  # memoised: linear in the document, however large the expansion
        if expanded - len(self.sizes) > ALIAS_BUDGET:
            raise self.fail(root.start_mark.line, f"别名（*名称）展开后过大（超过 {ALIAS_BUDGET} 个节点），"
                                                  "疑为恶意构造的文件")

    def size(self, node, depth: int) -> int:
        key = id(node)
        if key in self.sizes:
            return self.sizes[key]
        if key in self.open:
            raise self.fail(node.start_mark.line, "别名引用了它自身所在的结构（循环引用）")
        if depth > MAX_DEPTH:
            raise self.fail(node.start_mark.line, f"嵌套过深（最多 {MAX_DEPTH} 层）")
        self.open.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += self.size(child, depth + 1)
        elif isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != _MERGE:
                    if (k.tag, k.value) in seen:
                        raise self.fail(k.start_mark.line, f"键“{k.value}”重复（第 {seen[k.tag, k.value]} 行已有）")
                    seen[k.tag, k.value] = k.start_mark.line + self.first_line
                total += self.size(k, depth + 1) + self.size(v, depth + 1)
        elif node.tag not in (_STR, _MERGE):
            self._scalar(node)
        self.open.discard(key)
        self.sizes[key] = total
        return total

    def _scalar(self, node) -> None:
        try:
            self.loader.construct_object(node)
        except (ValueError, OverflowError) as exc:
            raise self.fail(node.start_mark.line, f"“{node.value[:40]}”无法识别（{str(exc).split(';')[0]}）") from None


def _lines(root, first_line: int = 1) -> dict:
    """(key path as strings) → 1-based line of the file (the text starts at ``first_line``), for
    every mapping key and sequence item."""
    lines: dict = {}
    stack = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    sub = path + (k.value,)
                    lines.setdefault(sub, k.start_mark.line + first_line)
                    stack.append((sub, v))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                sub = path + (str(i),)
                lines.setdefault(sub, v.start_mark.line + first_line)
                stack.append((sub, v))
    return lines
