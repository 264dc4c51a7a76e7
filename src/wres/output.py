"""Writing outputs all at once or not at all (a failed or interrupted command leaves nothing half-written),
and CSV cells that no spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import errno
import io
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path


# The system's reasons an output cannot be written, in words for the person who chose where it goes.
REASONS = {
    errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up", errno.EROFS: "the drive is read-only",
    errno.EACCES: "permission denied", errno.EPERM: "permission denied", errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "part of the path is a file, not a folder", errno.ENOENT: "the folder does not exist or cannot hold files",
    errno.ENAMETOOLONG: "the name is too long", errno.EFBIG: "the file is too large for the drive",
}
# Errors of the drive itself while a command writes into its temporary folder, whatever file they name
DRIVE_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})


class CannotWrite(OSError):
    """An output could not be written where the user asked (no space, no permission, a file in the way): the
    user's to put right, said as that, not as a fault in wres. The command has written nothing."""

    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror)
        self.path = Path(path)
        self.cause = cause

    def __str__(self) -> str:
        reason = REASONS.get(self.cause.errno or 0) or self.cause.strerror or str(self.cause)
        if self.cause.errno == errno.EEXIST and self.cause.filename:  # a file where a folder of the path should be
            reason = f"{self.cause.filename} is a file, not a folder"
        return f"Could not write {self.path}: {reason}"


def _beside(path: Path, suffix: str = "", folder: bool = False) -> tuple[int | None, Path]:
    """A new, uniquely named hidden file (open, its descriptor) or folder beside `path`, made as any program
    makes one, the user's umask deciding who may read it: tempfile's are private (0600, 0700), and the output
    each becomes would be too (a mapping.toml or a report on a shared drive that colleagues cannot open)."""
    for _ in range(100):
        name = path.parent / f".{path.name}.{secrets.token_hex(4)}{suffix}"
        try:
            if folder:
                name.mkdir()
                return None, name
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused name for a temporary file", str(path.parent))


def write_text(path: Path, text: str, codec: str = "utf-8") -> None:
    """Write to a temporary file beside `path`, then rename it into place (atomic on one filesystem)."""
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _beside(path, ".tmp")
        with os.fdopen(fd, "w", encoding=codec, newline="") as f:  # type: ignore[arg-type]
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CannotWrite(path, exc) from exc
        raise


def write_once(path: Path, text: str) -> None:
    """Write a secret (a key) to `path` unless it is there: readable by its owner only from its first byte,
    put in place whole, and never over one another process has just made (a hard link fails where the name
    exists), so processes starting together all read the same one."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    except OSError as exc:
        raise CannotWrite(path, exc) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        with suppress(FileExistsError):  # another process's is there, whole: it is the one
            os.link(tmp, path)
    except OSError as exc:
        raise CannotWrite(path, exc) from exc
    finally:
        Path(tmp).unlink(missing_ok=True)


@contextmanager
def new_directory(path: Path, replaces: str | None = None) -> Iterator[Path]:
    """Yield a temporary folder beside `path` and move it to `path` only when the block succeeds.

    `path` must not exist or be empty, unless it holds the file named by `replaces` (an earlier run of the
    same command), which is then replaced whole.
    """
    path = Path(path)
    earlier = path.is_dir() and replaces is not None and (path / replaces).is_file()
    if path.exists() and (not path.is_dir() or (any(path.iterdir()) and not earlier)):
        raise FileExistsError(str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _beside(path, folder=True)[1]
    except OSError as exc:
        raise CannotWrite(path, exc) from exc
    try:
        yield tmp
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        # the drive, or a file of the temporary folder: the output's to blame, not the command's work
        if not isinstance(exc, CannotWrite) and (exc.errno in DRIVE_FULL or str(exc.filename or "").startswith(str(tmp))):
            raise CannotWrite(path, exc) from exc
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    try:
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, old / "x")
        os.replace(tmp, path)
    except BaseException as exc:
        if old is not None and (old / "x").exists() and not path.exists():
            os.replace(old / "x", path)  # the earlier output back where it was
        for leftover in (tmp, old):
            if leftover is not None:
                shutil.rmtree(leftover, ignore_errors=True)
        if isinstance(exc, OSError):
            raise CannotWrite(path, exc) from exc
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell as a CSV file holds it: text a spreadsheet would run as a formula (it starts with = + - @, a tab
    or a carriage return) is written as text, with a leading apostrophe; None is an empty cell. Band labels
    and names are an organisation's own text, so every CSV wres writes (CLI and web) passes through here."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value


def csv_text(rows: Iterable[Sequence[object]], header: Sequence[str] | None = None) -> str:
    """CSV text of rows, every cell made safe by csv_cell (the header too)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header is not None:
        w.writerow([csv_cell(h) for h in header])
    w.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()
