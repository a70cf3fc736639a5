"""Guard tests of the house rules (docs/architecture.md): no import cycle between subpackages,
no module over 400 lines, no wall clock read outside the clock and the CLI's entry points."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "deadlines"
MAX_LINES = 400
# Generated migration scripts are not code anyone edits by hand.
EXCLUDED = ("migrations/versions/",)
# Where the wall clock may be read: the clock itself, and the CLI's entry points, which turn
# "now" (or `--now`) into the explicit argument everything else takes.
CLOCK_READERS = ("clock.py", "cli/")


def modules() -> Iterator[tuple[str, Path]]:
    """Each module of the package as (dotted name, path)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if any(rel.startswith(prefix) for prefix in EXCLUDED):
            continue
        parts = ["deadlines", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def imported_modules(name: str, path: Path) -> set[str]:
    """Every `deadlines...` module `name` imports, at any depth (lazy imports in functions too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # `from deadlines.feeds import source` imports the module `deadlines.feeds.source`.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "deadlines" or m.startswith("deadlines.")}


def unit(module: str) -> str:
    """The part of the package a module belongs to: `deadlines.db.store` -> `db`; top-level
    modules (`settings`, `errors`) are units of their own."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def unit_graph() -> dict[str, dict[str, set[str]]]:
    """unit -> imported unit -> the `module -> module` imports behind that edge."""
    known = {name for name, _ in modules()}
    graph: dict[str, dict[str, set[str]]] = {}
    for name, path in modules():
        source = unit(name)
        for target in imported_modules(name, path):
            if target not in known:
                continue  # a name imported from a module (`deadlines.errors.NoticeError`), not a module
            dest = unit(target)
            if dest and dest != source:
                graph.setdefault(source, {}).setdefault(dest, set()).add(f"{name} -> {target}")
    return graph


def cycles(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected groups of more than one unit (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_no_import_cycle_between_subpackages() -> None:
    graph = unit_graph()
    found = cycles(graph)
    lines = []
    for group in found:
        for a in group:
            for b in group:
                edges = sorted(graph.get(a, {}).get(b, ()))
                if edges:
                    more = f" (+{len(edges) - 1} more)" if len(edges) > 1 else ""
                    lines.append(f"  {a} -> {b}: {edges[0]}{more}")
    assert not found, "import cycles between parts of deadlines " + str(found) + ":\n" + "\n".join(lines)


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b": {"x"}}, "b": {"c": {"x"}}, "c": {"a": {"x"}}, "d": {"a": {"x"}}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b": {"x"}}, "b": {}}) == []


def test_relative_imports_resolve_to_modules(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text("from .store import audit\nfrom ..feeds import source\n")
    found = imported_modules("deadlines.db", init)
    assert {"deadlines.db.store", "deadlines.feeds.source"} <= found


def test_no_module_over_400_lines() -> None:
    long = {
        name: n
        for name, path in modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def clock_reads(path: Path) -> list[str]:
    """`datetime.now(...)`, `datetime.utcnow()`, `date.today()` (however imported) in a file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr, owner = node.func.attr, node.func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        if (owner_name == "datetime" and attr in ("now", "utcnow", "today")) or (
            owner_name == "date" and attr == "today"
        ):
            found.append(
                (node.lineno, f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {owner_name}.{attr}()")
            )
    return [text for _, text in sorted(found)]


def test_the_wall_clock_is_read_only_by_the_clock_and_the_cli() -> None:
    reads = []
    for _, path in modules():
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(CLOCK_READERS) or rel.endswith("/" + CLOCK_READERS[0]):
            continue
        reads += clock_reads(path)
    assert not reads, "the wall clock read outside the clock and the CLI:\n" + "\n".join(reads)
