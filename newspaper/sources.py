"""Where dumps come from: files, folders (recursively) and .zip archives, read into memory with
the limits that keep a bad file from costing more than a line in the report."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from newspaper.parser.reasons import reason

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_RATIO = 100  # a text dump compresses ~3-5×; far more is a zip bomb
DUMP_SUFFIXES = {".txt", ".text"}


@dataclass
class Source:
    """One dump to import: a name to report (path, or archive.zip:entry) and its bytes."""

    name: str
    data: bytes = b""
    error: str | None = None  # set when the source could not even be read
    filename: str = ""  # what the page remembers: the file name, or archive.zip:entry

    def __post_init__(self):
        self.filename = self.filename or Path(self.name).name


def iter_sources(paths: list[str | Path]) -> Iterator[Source]:
    """Files, folders (recursively, *.txt) and .zip archives, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from iter_sources(_dumps_in(path))
        elif not path.exists():
            yield Source(str(path), error=reason("no such file or folder"))
        elif path.suffix.lower() == ".zip":
            yield from iter_zip(str(path), path.read_bytes())
        else:
            yield read_file(path)


def _dumps_in(folder: Path) -> list[Path]:
    """The dumps and archives in a folder and below it, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (*DUMP_SUFFIXES, ".zip"))


def count_sources(paths: list[str | Path]) -> int:
    """How many sources iter_sources yields for these paths, found without reading a dump: a
    large import streams its dumps and still knows how far along it is."""
    total = 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            total += count_sources(_dumps_in(path))
        elif path.suffix.lower() == ".zip" and path.is_file():
            try:
                with zipfile.ZipFile(path) as archive:
                    names = [i.filename for i in archive.infolist() if not i.is_dir()]
            except (zipfile.BadZipFile, OSError):
                names = [""]
            shown = [n for n in names if not _hidden(PurePosixPath(n.replace("\\", "/")))]
            total += 1 if len(names) > MAX_ZIP_ENTRIES else len(shown)
        else:
            total += 1
    return total


def _hidden(pure: PurePosixPath) -> bool:
    """Entries a zip made on a Mac or holding dot files carries and nobody meant to import."""
    return bool(pure.parts) and (pure.name.startswith(".") or pure.parts[0] == "__MACOSX")


def read_file(path: Path) -> Source:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Source(str(path), error=too_large(size))
        return Source(str(path), path.read_bytes())
    except OSError as exc:
        return Source(str(path), error=reason("cannot read: {error}", error=exc.strerror or str(exc)))


def too_large(size: int) -> str:
    return reason("too large ({size} MB, limit {limit} MB)", size=size // 2**20, limit=MAX_FILE_BYTES // 2**20)


def iter_zip(name: str, data: bytes) -> Iterator[Source]:
    """The dumps inside a zip archive. Entries are read into memory, never extracted, so a path
    in an entry name cannot write anywhere; unsafe names are refused all the same."""

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        yield Source(name, error=reason("not a valid zip archive"))
        return
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > MAX_ZIP_ENTRIES:
        yield Source(
            name,
            error=reason(
                "too many files in the archive ({count}, limit {limit})", count=len(entries), limit=MAX_ZIP_ENTRIES
            ),
        )
        return
    for info in sorted(entries, key=lambda i: i.filename):
        label = f"{name}:{info.filename}"
        filename = f"{Path(name).name}:{info.filename}"

        def refused(reason: str, label=label, filename=filename) -> Source:
            return Source(label, error=reason, filename=filename)

        pure = PurePosixPath(info.filename.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts:
            yield refused(reason("unsafe path inside the archive"))
            continue
        if _hidden(pure):
            continue
        if pure.suffix.lower() not in DUMP_SUFFIXES:
            yield refused(reason("not a .txt dump"))
            continue
        if info.file_size > MAX_FILE_BYTES:
            yield refused(too_large(info.file_size))
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
            yield refused(reason("compression ratio too high (zip bomb?)"))
            continue
        try:
            with archive.open(info) as fh:
                content = fh.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError) as exc:
            yield refused(reason("cannot read the entry: {error}", error=str(exc)))
            continue
        if len(content) > MAX_FILE_BYTES:
            yield refused(reason("too large once uncompressed"))
            continue
        yield Source(label, content, filename=filename)
