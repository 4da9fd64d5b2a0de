"""`.codemod.toml`: per-rule options and extra excludes, found by walking up from PATH.

Every key is checked: a typo is an error naming the file and the key, never a silently
ignored setting.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemod.model import InputError
from codemod.rule import Rule

FILENAME = ".codemod.toml"
_TOP_KEYS = {"exclude", "rules"}


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    exclude: tuple[str, ...] = ()  # globs, relative to the config file's directory
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def excluded(self, file: Path) -> bool:
        if self.path is None or not self.exclude:
            return False
        try:
            rel = file.relative_to(self.path.parent).as_posix()
        except ValueError:
            return False
        return any(fnmatch.fnmatch(rel, pattern) for pattern in self.exclude)

    def options_for(self, rule: Rule) -> dict[str, Any]:
        where = str(self.path or FILENAME)
        try:
            return rule.resolve_options(self.rules.get(rule.id, {}), where)
        except ValueError as exc:
            raise InputError(str(exc)) from None


def find(start: Path) -> Path | None:
    """The nearest .codemod.toml at or above `start`, stopping at a module root."""
    directory = start if start.is_dir() else start.parent
    for candidate in [directory, *directory.parents]:
        if (candidate / FILENAME).is_file():
            return candidate / FILENAME
        if (candidate / "go.mod").is_file() or (candidate / ".git").exists():
            return None
    return None


def load(path: Path | None, known_rules: Mapping[str, Rule]) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML: {exc}") from exc
    for key in data:
        if key not in _TOP_KEYS:
            raise InputError(f"{path}: unknown key {key!r} (expected: exclude, rules)")
    exclude = data.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        raise InputError(f"{path}: key 'exclude' must be a list of strings")
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise InputError(f"{path}: key 'rules' must be a table")
    for rule_id, options in rules.items():
        if rule_id not in known_rules:
            raise InputError(f"{path}: unknown rule 'rules.{rule_id}'")
        if not isinstance(options, dict):
            raise InputError(f"{path}: key 'rules.{rule_id}' must be a table")
        try:
            known_rules[rule_id].resolve_options(options, str(path))
        except ValueError as exc:
            raise InputError(str(exc)) from None
    return Config(path, tuple(exclude), rules)
