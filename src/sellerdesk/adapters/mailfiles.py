"""Mail exports on disk: an mbox file, a Maildir, a folder of ``.eml`` files, or one ``.eml``.

:func:`open_mail_files` looks at a path and returns a :class:`MailFiles` that yields the raw
bytes of every mail in it, streaming: memory stays flat however large the export is (an
mbox is read line by line, folders are walked with ``os.scandir`` without listing them
whole). Each mail comes with how far the reading got, in the unit of :attr:`MailFiles.total`
(bytes of an mbox, files of a folder), for a progress bar.

An mbox is split at every line that starts with ``From `` (as Python's :mod:`mailbox` does);
the separating blank line is not part of the mail, and body lines that the writer escaped as
``>From `` (mboxrd) get one ``>`` back off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sellerdesk.errors import InputError

Kind = Literal["mbox", "maildir", "eml-folder", "eml"]
MAIL_SUFFIXES = (".eml", ".msg", ".mail")


@dataclass(frozen=True)
class MailFile:
    """One mail read from an export.

    Attributes:
        raw: the mail's bytes.
        origin: where it came from (a file, or ``mbox-path#N`` for the N-th mail of an mbox).
        done: how far the reading got after this mail, in the unit of :attr:`MailFiles.unit`.
    """

    raw: bytes
    origin: str
    done: int


@dataclass(frozen=True)
class MailFiles:
    """A mail export found at :attr:`path`; iterate it for the mails."""

    path: Path
    kind: Kind
    total: int | None
    unit: Literal["bytes", "files"]

    def __iter__(self) -> Iterator[MailFile]:
        if self.kind == "mbox":
            return _read_mbox(self.path)
        if self.kind == "eml":
            return iter([MailFile(_read_file(self.path), str(self.path), 1)])
        if self.kind == "maildir":
            return _read_files(_maildir_files(self.path))
        return _read_files(_mail_files(self.path))


def open_mail_files(path: str | os.PathLike[str]) -> MailFiles:
    """Recognise the export at *path* (see the module doc).

    Raises:
        InputError: the path does not exist or holds no mail export; the message says what is accepted.
    """
    where = Path(path)
    if where.is_dir():
        if (where / "cur").is_dir() and (where / "new").is_dir():
            return MailFiles(where, "maildir", sum(1 for _ in _maildir_files(where)), "files")
        return MailFiles(where, "eml-folder", sum(1 for _ in _mail_files(where)), "files")
    if where.is_file():
        with open(where, "rb") as file:
            head = file.read(5)
        if head == b"From ":
            return MailFiles(where, "mbox", where.stat().st_size, "bytes")
        return MailFiles(where, "eml", 1, "files")
    raise InputError(f"{where}: no such file or folder; give an mbox file, a Maildir, "
                     "a folder of .eml files or one .eml file")


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}); check the file's permissions") from exc


def _read_files(paths: Iterator[Path]) -> Iterator[MailFile]:
    for done, path in enumerate(paths, start=1):
        yield MailFile(_read_file(path), str(path), done)


def _maildir_files(root: Path) -> Iterator[Path]:
    """Every message file of a Maildir (``new/`` and ``cur/``; ``tmp/`` holds unfinished deliveries)."""
    for sub in ("cur", "new"):
        with os.scandir(root / sub) as entries:
            for entry in entries:
                if entry.is_file() and not entry.name.startswith("."):
                    yield Path(entry.path)


def _mail_files(root: Path) -> Iterator[Path]:
    """Every ``.eml`` (or ``.msg``/``.mail``) file below *root*, walking sub-folders."""
    pending = [root]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir() and not entry.name.startswith("."):
                    pending.append(Path(entry.path))
                elif entry.is_file() and entry.name.lower().endswith(MAIL_SUFFIXES):
                    yield Path(entry.path)


def _read_mbox(path: Path) -> Iterator[MailFile]:
    """Split an mbox file into mails, holding one mail in memory at a time."""
    lines: list[bytes] = []
    number = 0
    offset = 0
    started = False
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed in the finally below, after the last yield
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}); check the file's permissions") from exc
    try:
        for line in file:
            size = len(line)
            if line.startswith(b"From "):
                if started:
                    number += 1
                    yield MailFile(_join(lines), f"{path}#{number}", offset)
                started = True
                lines = []
            elif started:
                if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
                    line = line[1:]  # mboxrd: the writer added one ">" to a body line "From ..."
                lines.append(line)
            offset += size
        if started:
            number += 1
            yield MailFile(_join(lines), f"{path}#{number}", offset)
    finally:
        file.close()


def _join(lines: list[bytes]) -> bytes:
    """The mail's bytes without the blank line that separates it from the next ``From `` line."""
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)
