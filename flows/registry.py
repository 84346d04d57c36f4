"""`sources.yaml`: the named sources a scheduled run ingests, validated with pydantic.

    sources:
      think-tanks:
        folder: reports/            # relative paths are relative to this file
        include: ["*.pdf", "*.md"]  # optional globs on the path relative to the folder
        exclude: ["drafts/*"]
        on_removed: keep            # keep | drop (default: drop)
      press:
        urls: [https://example.org/brief.html]
      strategies:
        files: [docs/a.pdf, docs/b.pdf]
    curation: curation.yaml         # optional: the reviewers' decisions (govmap.datasets.curation)

Paths are relative to the registry's folder and must stay inside it (no absolute path, no
``../``) unless the file sets ``allow_absolute_paths: true`` at its top level.  A folder source
skips files that link outside it unless it sets ``follow_symlinks: true``.

Each source has exactly one of `folder`, `files` or `urls`.  `on_removed` says what a source's
documents that disappeared since the last release should become: `drop` (the new release lists
only what is there now) or `keep` (the new release carries them over from the previous one, with
their cached extraction, as long as the pipeline version is unchanged; see `removed_to_keep`).  Mistakes (an unknown key, a missing path, two
kinds in one source) raise RegistryError with one line naming the source and the key.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from govmap.errors import SourceError
from govmap.sources.folder import iter_folder
from govmap.sources.http import is_url

__all__ = ["RegistryError", "Registry", "RegisteredSource", "load_registry", "registry_specs", "removed_to_keep"]


class RegistryError(SourceError):
    """sources.yaml is unreadable or invalid."""


class RegisteredSource(BaseModel):
    """One named source: a folder, a list of files, or a list of URLs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    folder: Path | None = None
    files: list[Path] | None = None
    urls: list[str] | None = None
    include: list[str] = []
    exclude: list[str] = []
    on_removed: Literal["keep", "drop"] = "drop"
    follow_symlinks: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> "RegisteredSource":
        kinds = [k for k in ("folder", "files", "urls") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"needs exactly one of folder, files, urls (got {', '.join(kinds) or 'none'})")
        if (self.include or self.exclude) and self.folder is None:
            raise ValueError("include/exclude apply to a folder only")
        if self.follow_symlinks and self.folder is None:
            raise ValueError("follow_symlinks applies to a folder only")
        if self.files == [] or self.urls == []:
            raise ValueError("an empty list names nothing")
        for url in self.urls or ():
            if not is_url(url):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return self


class Registry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: dict[str, RegisteredSource]
    allow_absolute_paths: bool = False
    curation: Path | None = None  # the reviewers' curation file, applied on every run


def load_registry(path: Path) -> Registry:
    """Read and validate `path`; relative paths are resolved against its folder and must exist.

    Raises RegistryError with one line: the file, the source and key at fault, what to fix.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read the registry ({exc.strerror}); nothing pulled") from exc
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}: not valid YAML ({' '.join(str(exc).split())}); nothing pulled") from exc
    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key also makes the intended key "missing"; the typo is the useful message.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        where = ".".join(str(p) for p in err["loc"]) or "top level"
        message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
        raise RegistryError(f"{path}: {where}: {message}; fix the registry; nothing pulled") from None
    if not registry.sources:
        raise RegistryError(f"{path}: sources: no sources listed; nothing pulled")
    resolved = {}
    for name, src in registry.sources.items():
        update: dict[str, object] = {}
        if src.folder is not None:
            folder = _confined(path, registry, f"sources.{name}.folder", src.folder)
            if not folder.is_dir():
                raise RegistryError(f"{path}: sources.{name}.folder: {folder} is not a folder; nothing pulled")
            update["folder"] = folder
        if src.files is not None:
            files = [_confined(path, registry, f"sources.{name}.files", f) for f in src.files]
            for f in files:
                if not f.is_file():
                    raise RegistryError(f"{path}: sources.{name}.files: {f} does not exist; nothing pulled")
            update["files"] = files
        resolved[name] = src.model_copy(update=update)
    curation = None
    if registry.curation is not None:
        # It need not exist yet: `govmap review` creates it with the first decision.
        curation = _confined(path, registry, "curation", registry.curation)
    return Registry(sources=resolved, allow_absolute_paths=registry.allow_absolute_paths, curation=curation)


def _confined(registry_file: Path, registry: Registry, where: str, given: Path) -> Path:
    """`given` resolved against the registry's folder, which it must stay inside (no absolute
    path, no ``../`` or link out of it) unless the registry sets `allow_absolute_paths`."""
    registry_file = registry_file.resolve()
    base = registry_file.parent
    target = (base / given).resolve()
    if not registry.allow_absolute_paths and (given.is_absolute() or not target.is_relative_to(base)):
        raise RegistryError(
            f"{registry_file}: {where}: {given} is outside {base}; name paths inside the "
            "registry's folder or set allow_absolute_paths: true; nothing pulled"
        )
    return target


def registry_specs(registry: Registry) -> list[str]:
    """The file paths and URLs the registry names, source by source, for `run_ingest`."""
    specs: list[str] = []
    for src in registry.sources.values():
        if src.urls is not None:
            specs.extend(src.urls)
        elif src.files is not None:
            specs.extend(str(f) for f in src.files)
        else:
            assert src.folder is not None
            for f in iter_folder(src.folder, follow_symlinks=src.follow_symlinks):
                rel = f.relative_to(src.folder).as_posix()
                if src.include and not any(fnmatch.fnmatch(rel, g) for g in src.include):
                    continue
                if any(fnmatch.fnmatch(rel, g) for g in src.exclude):
                    continue
                specs.append(str(f))
    return specs


def _belongs(src: RegisteredSource, uri: str) -> bool:
    if src.urls is not None:
        return uri in src.urls
    if src.files is not None:
        return any(uri == str(f) for f in src.files)
    assert src.folder is not None
    try:
        rel = Path(uri).relative_to(src.folder).as_posix()
    except ValueError:
        return False
    if src.include and not any(fnmatch.fnmatch(rel, g) for g in src.include):
        return False
    return not any(fnmatch.fnmatch(rel, g) for g in src.exclude)


def removed_to_keep(registry: Registry, previous_inputs: list[dict], current_specs: list[str]) -> list[dict]:
    """Inputs of the previous release that a `keep` source no longer lists, to carry over.

    `previous_inputs` are the manifest's `inputs` entries (source_uri, sha256, status); only
    documents that were ingested (status ok) are carried.
    """
    current = set(current_specs)
    keep = [src for src in registry.sources.values() if src.on_removed == "keep"]
    return [
        entry
        for entry in previous_inputs
        if entry.get("status") == "ok"
        and entry["source_uri"] not in current
        and any(_belongs(src, entry["source_uri"]) for src in keep)
    ]
