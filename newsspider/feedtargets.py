"""Which file a ``-o``/``-O`` feed writes, as Scrapy's feed exporter will pick it (its
storage, its URI's placeholders filled in), and whether that may be one of the project's own:
the state file and its SQLite files, a run lock, or anything in ``.state/`` or the run files'
``fakti/`` (a feed on the state file overwrote it)."""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping
from pathlib import Path, PureWindowsPath
from urllib.parse import urlparse

from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.settings import BaseSettings
from scrapy.settings import default_settings as scrapy_defaults
from scrapy.utils.misc import load_object
from w3lib.url import file_uri_to_path

from newsspider.extensions.lock import STATE_COMPANIONS, lock_paths
from newsspider.pipelines.runfiles import FEED_SUBDIR
from newsspider.state import DEFAULT_STATE_PATH, state_file, state_location_of

#: A placeholder Scrapy fills in a feed URI as the feed opens (``%(time)s``, ``%(batch_id)05d``),
#: with its key (as ``scrapy.extensions.feedexport.apply_uri_params`` finds them).
URI_PLACEHOLDER = re.compile(r"%\(([^)]+)\)[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]")
#: Stands, in a feed's path, for a placeholder's value: any text within one file or folder name
#: (Scrapy's ``time``, ``batch_time`` and ``batch_id`` hold no ``/``).
ANY = "\ue000"


def _filled(uri: str, name: str | None) -> str:
    """``uri`` as Scrapy fills it in: ``%(name)s`` the spider's ``name`` (``None`` when a
    ``uri_params`` function may change it), any other placeholder :data:`ANY`."""
    return URI_PLACEHOLDER.sub(
        lambda match: name if name and match.group(0) == "%(name)s" else ANY, uri
    )


def file_storages(settings: Mapping[str, object]) -> dict[str, bool]:
    """Scrapy's feed storages (``FEED_STORAGES_BASE`` and ``FEED_STORAGES``): scheme → whether
    it is the file storage (one that cannot be loaded is not: Scrapy stops on it)."""
    storages: dict[str, bool] = {}
    for name in ("FEED_STORAGES_BASE", "FEED_STORAGES"):
        given = settings.get(name, getattr(scrapy_defaults, name))
        for scheme, path in BaseSettings({name: given or {}}).getdict(name).items():
            try:
                storage = load_object(path) if path is not None else None
            except (ImportError, NameError, ValueError):
                storage = None
            storages[scheme] = isinstance(storage, type) and issubclass(storage, FileFeedStorage)
    return storages


def _local_file(uri: str, name: str | None, storages: Mapping[str, bool]) -> str | None:
    """The file Scrapy writes for the feed ``uri`` (:func:`_filled` in), as its feed exporter
    picks the storage: ``None`` if the URI's scheme has no storage and is no Windows drive
    (``o:/…``, on any system: no feed is written), then the storage of the filled URI's scheme,
    or its file storage; ``None`` for another (``s3://``, ``stdout:``)."""
    if urlparse(uri).scheme not in storages and not PureWindowsPath(uri).drive:
        return None
    filled = _filled(uri, name)
    if not storages.get(urlparse(filled).scheme, storages.get("file", False)):
        return None
    return file_uri_to_path(filled) if filled.startswith("file:") else filled


def _feed_paths(path: str) -> set[tuple[str, ...]]:
    """The absolute paths, as parts, ``path`` (its placeholders :data:`ANY`) may name: up to the
    first placeholder as on disk (symlinks, ``..``), the rest as written, a name of placeholders
    and up to two dots (``%(time)s``) also as ``.`` or ``..``."""
    parts = Path(path).parts
    first = next((i for i, part in enumerate(parts) if ANY in part), len(parts))
    paths = {Path(*parts[:first]).resolve().parts}
    for part in parts[first:]:
        forms = {part}
        if ANY in part and not part.strip("." + ANY):
            forms |= {".", ".."} if part.count(".") < 2 else {".."}
        paths = {
            path if form == "." else path[:-1] if form == ".." else (*path, form)
            for path in paths
            for form in forms
        }
    return paths


def _may_be(parts: tuple[str, ...], target: Path, inside: bool = False) -> bool:
    """Whether ``parts`` (:func:`_feed_paths`) may name ``target`` (or, if ``inside``, a path
    in it), each placeholder filled in with any text."""
    names = target.parts
    if len(parts) < len(names) or (not inside and len(parts) != len(names)):
        return False
    return all(
        re.fullmatch(".*".join(map(re.escape, part.split(ANY))), name, re.DOTALL)
        for part, name in zip(parts, names, strict=False)
    )


def _hard_link(path: str, files: dict[Path, str], folders: dict[Path, str]) -> str:
    """What the existing file ``path`` is another name of (a hard link) among the project's
    files and the files in its folders, or ``""``."""
    try:
        target = Path(path).stat()
    except (OSError, ValueError):
        return ""
    found: dict[Path, str] = {}
    if target.st_nlink > 1:
        for folder, what in folders.items():
            found |= {file: f"{str(file)!r} in {what}" for file in folder.rglob("*")}
    found |= files
    for file, what in found.items():
        try:
            if os.path.samestat(file.stat(), target):
                return what
        except OSError:
            continue
    return ""


def _existing(path: str) -> list[str]:
    """The files on disk that ``path``, its placeholders :data:`ANY`, may name (any text within a
    name: ``feed-%(batch_id)d.jsonl`` is ``feed-1.jsonl`` on the first batch)."""
    if ANY not in path:
        return []
    return glob.glob("*".join(glob.escape(piece) for piece in path.split(ANY)))


def _project_file(target: Path, files: dict[Path, str], folders: dict[Path, str]) -> str:
    """What the resolved ``target`` is among the project's files and folders, or ``""``."""
    if target in files:
        return files[target]
    return next(
        (f"in {what}" for folder, what in folders.items() if target.is_relative_to(folder)), ""
    )


def project_files(settings: Mapping[str, object]) -> tuple[dict[Path, str], dict[Path, str]]:
    """The files a feed must not name (the state file and its SQLite files, the run locks) and
    the folders it must not write into (``.state/``, and the run files' ``fakti/``, whose
    names the runs own and the analysts' glob reads), resolved, each with what it is."""
    files: dict[Path, str] = {}
    state = state_file(state_location_of(settings))
    if state is not None:
        for suffix in STATE_COMPANIONS:
            files[Path(f"{state}{suffix}").resolve()] = "the state file" + (
                f"'s {suffix} file" if suffix else ""
            )
    for lock, name in lock_paths(settings):
        what = "FAKTI_LOCK_FILE" if name == "FAKTI_LOCK_FILE" else "the state's run lock"
        files[lock.resolve()] = what
    output = Path(str(settings.get("FAKTI_OUTPUT_DIR", "output")))
    folders = {
        (output / DEFAULT_STATE_PATH.parent).resolve(): "the state's folder",
        (output / FEED_SUBDIR).resolve(): "the run files' folder",
    }
    return files, folders


def target_problem(
    uri: str,
    name: str | None,
    storages: Mapping[str, bool],
    protected: tuple[dict[Path, str], dict[Path, str]],
) -> str:
    """Why the feed ``uri`` would write over the project's own files (``protected``:
    :func:`project_files`) once Scrapy fills in its placeholders (:func:`_filled`), or ``""``."""
    files, folders = protected
    path = _local_file(uri, name, storages)
    if path is None:
        return ""
    may = " once its placeholders are filled in" if ANY in path else ""
    parts = Path(path).parts
    if ".." in parts[next((i for i, part in enumerate(parts) if ANY in part), len(parts)) :]:
        return "a '..' after a placeholder (which may hold a '/': a spider attribute)"
    for existing in _existing(path):  # (a symlink or hard link a placeholder may name)
        found = _project_file(Path(existing).resolve(), files, folders) or _hard_link(
            existing, files, folders
        )
        if found:
            return f"{existing!r} is {found}: the feed would overwrite it{may}"
    for named in _feed_paths(path):
        for file, what in files.items():
            if _may_be(named, file):
                return f"{what}: the feed would overwrite it{may}"
        for folder, what in folders.items():
            if _may_be(named, folder, inside=True):
                return f"inside {what} {str(folder)!r}{may}"
    linked = "" if ANY in path else _hard_link(path, files, folders)
    return f"a hard link to {linked}: the feed would overwrite it" if linked else ""
