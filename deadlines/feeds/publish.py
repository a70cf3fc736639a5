"""Writes feeds as static files: atomically, and only where the bytes changed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from deadlines.errors import DeadlinesError
from deadlines.feeds.catalog import BuiltFeed, FeedData, FeedSettings, build, catalog, index_json

INDEX = "index.json"


@dataclass(frozen=True)
class FileChange:
    path: str
    action: str  # created, updated, removed

    def __str__(self) -> str:
        return f"{self.action:8} {self.path}"


def build_all(data: FeedData, settings: FeedSettings, now: datetime) -> list[BuiltFeed]:
    return [build(data, spec, settings, now) for spec in catalog(data, now.date())]


def write_atomic(path: Path, body: bytes) -> None:
    """A reader sees the old file or the new one, never half of either."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_if_changed(path: Path, body: bytes) -> str | None:
    try:
        if path.read_bytes() == body:
            return None
        action = "updated"
    except FileNotFoundError:
        action = "created"
    write_atomic(path, body)
    return action


def publish(out_dir: Path, feeds: Sequence[BuiltFeed], base_url: str) -> list[FileChange]:
    """Write every feed and index.json; remove feeds that no longer exist. Returns the changes."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        changes: list[FileChange] = []
        wanted = {f.spec.path for f in feeds}
        for feed in feeds:
            action = _write_if_changed(out_dir / feed.spec.path, feed.body)
            if action:
                changes.append(FileChange(feed.spec.path, action))
        action = _write_if_changed(out_dir / INDEX, index_json(feeds, base_url))
        if action:
            changes.append(FileChange(INDEX, action))
        for stale in sorted(out_dir.glob("*.ics")):
            if stale.name not in wanted:
                stale.unlink()
                changes.append(FileChange(stale.name, "removed"))
    except OSError as e:
        raise DeadlinesError(f"cannot write feeds to {out_dir}: {e.strerror or e}") from e
    return changes
