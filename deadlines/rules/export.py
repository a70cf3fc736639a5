"""Live rules back to TOML for review in git, editing existing files in place (tomlkit) so the
comments and order of every untouched part survive. Pure: text in, text out."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

ELECTIONS_FILE = "elections.toml"


def _typed_election(document: Mapping[str, Any]) -> dict[str, Any]:
    """Stored documents keep dates as ISO strings; TOML has a date type, and files use it."""
    out = copy.deepcopy(dict(document))
    for key in ("day", "term_ends"):
        if isinstance(out.get(key), str):
            out[key] = date.fromisoformat(out[key])
    if isinstance(out.get("anchors"), dict):
        out["anchors"] = {
            k: date.fromisoformat(v) if isinstance(v, str) else v for k, v in out["anchors"].items()
        }
    for o in out.get("overrides", []) or []:
        for key in ("opens", "closes", "on"):
            if isinstance(o.get(key), str):
                o[key] = date.fromisoformat(o[key])
    return out


def _item(value: Any) -> Any:
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for k, v in value.items():
            table[k] = _item(v)
        return table
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        array = tomlkit.array()
        for v in value:
            array.append(_item(v))
        array.multiline(len(value) > 1)
        return array
    return value


def _plain(value: Any) -> Any:
    return value.unwrap() if hasattr(value, "unwrap") else value


def _update(table: Table | Any, new: Mapping[str, Any]) -> None:
    """Change only the keys whose value changed; untouched keys keep their text and comments."""
    for key in [k for k in table if k not in new]:
        del table[key]
    for key, value in new.items():
        if key in table and _plain(table[key]) == value:
            continue
        table[key] = _item(value)


def _sync_array(document: Any, name: str, tables: list[dict[str, Any]]) -> None:
    existing = document.get(name)
    if not isinstance(existing, AoT):
        aot = tomlkit.aot()
        for t in tables:
            fresh = tomlkit.table()
            _update(fresh, t)
            aot.append(fresh)
        document[name] = aot
        return
    wanted = {t["id"]: t for t in tables}
    for index in reversed(range(len(existing))):
        if existing[index].get("id") not in wanted:
            del existing[index]
    present = {t.get("id") for t in existing}
    for t in existing:
        _update(t, wanted[t["id"]])
    for t in tables:
        if t["id"] not in present:
            fresh = tomlkit.table()
            _update(fresh, t)
            existing.append(fresh)


def ruleset_text(existing: str | None, document: Mapping[str, Any]) -> str:
    doc = tomlkit.parse(existing) if existing else tomlkit.document()
    if "ruleset" in doc and isinstance(doc["ruleset"], Table):
        _update(doc["ruleset"], document["ruleset"])
    else:
        table = tomlkit.table()
        _update(table, document["ruleset"])
        doc["ruleset"] = table
    _sync_array(doc, "rule", [dict(r) for r in document.get("rule", [])])
    return tomlkit.dumps(doc)


def elections_text(existing: str | None, documents: Iterable[Mapping[str, Any]]) -> str:
    doc = tomlkit.parse(existing) if existing else tomlkit.document()
    _sync_array(doc, "election", [_typed_election(d) for d in documents])
    return tomlkit.dumps(doc)
