"""Reading mail exports: mbox (checked against Python's mailbox module), Maildir, .eml folders."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.adapters.mailfiles import open_mail_files
from sellerdesk.errors import InputError
from tests.mails import buyer_mail

LINE = st.text(alphabet="abcxyz XYZ:.-", max_size=30).map(lambda s: s.lstrip(">"))
BODY_LINE = st.one_of(LINE, LINE.map(lambda s: "From " + s))  # body lines an mbox writer must escape


@st.composite
def plain_mails(draw: st.DrawFn) -> bytes:
    subject = draw(LINE)
    body = draw(st.lists(BODY_LINE, max_size=8))
    return ("Subject: " + subject + "\n\n" + "".join(line + "\n" for line in body)).encode()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mails=st.lists(plain_mails(), min_size=1, max_size=6))
def test_mbox_round_trips_what_the_stdlib_writes(tmp_path_factory: pytest.TempPathFactory,
                                                 mails: list[bytes]) -> None:
    path = tmp_path_factory.mktemp("mbox") / "export.mbox"
    box = mailbox.mbox(path)
    for raw in mails:
        box.add(raw)
    box.close()
    files = open_mail_files(path)
    read = list(files)
    assert files.kind == "mbox"
    assert [m.raw for m in read] == mails
    assert read[-1].done == files.total == path.stat().st_size
    assert [m.done for m in read] == sorted(m.done for m in read)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000))
def test_any_bytes_after_a_from_line_read_without_crashing(tmp_path_factory: pytest.TempPathFactory,
                                                            data: bytes) -> None:
    path = tmp_path_factory.mktemp("mbox") / "odd.mbox"
    path.write_bytes(b"From x\n" + data)
    read = list(open_mail_files(path))
    assert len(read) >= 1
    assert sum(len(m.raw) for m in read) <= len(data)


def test_maildir_reads_new_and_cur_but_not_tmp(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    (root / "new" / "1700000000.M1P1.host").write_bytes(buyer_mail(0))
    (root / "new" / "1700000001.M2P1.host").write_bytes(buyer_mail(1))
    (root / "cur" / "1700000002.M3P1.host:2,S").write_bytes(buyer_mail(2))
    (root / "tmp" / "1700000003.M4P1.host").write_bytes(b"Subject: partial\n")
    files = open_mail_files(tmp_path / "Maildir")
    read = list(files)
    assert (files.kind, files.total, files.unit) == ("maildir", 3, "files")
    assert sorted(m.raw for m in read) == sorted(buyer_mail(n) for n in range(3))
    assert sorted(m.done for m in read) == [1, 2, 3]


def test_eml_folder_walks_subfolders_and_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "2025" / "03").mkdir(parents=True)
    (tmp_path / "a.eml").write_bytes(buyer_mail(1))
    (tmp_path / "2025" / "03" / "b.EML").write_bytes(buyer_mail(2))
    (tmp_path / "notes.txt").write_text("not a mail")
    files = open_mail_files(tmp_path)
    assert (files.kind, files.total) == ("eml-folder", 2)
    assert sorted(m.raw for m in files) == [buyer_mail(1), buyer_mail(2)]


def test_single_eml_file(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(buyer_mail(7))
    files = open_mail_files(path)
    assert files.kind == "eml"
    assert [m.raw for m in files] == [buyer_mail(7)]


def test_missing_path_names_what_is_accepted(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder; give an mbox file"):
        open_mail_files(tmp_path / "absent.mbox")
