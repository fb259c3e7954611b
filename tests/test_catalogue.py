"""The message catalogues (cellboard/locale/{vi,en}/LC_MESSAGES/cellboard.po): every message id the code
names is in both, translated, with the same {placeholders}; what t(), tn(), pair() and both() return."""

from __future__ import annotations

import ast
import datetime as dt
import functools
import logging
import os
import re
import shutil
import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.util import pathmatch

from cellboard import text

ROOT = Path(__file__).resolve().parent.parent
PO = {language: text.LOCALE_DIR / language / "LC_MESSAGES" / "cellboard.po" for language in text.LANGUAGES}


def keywords() -> dict:
    """The extraction keywords, from the Makefile's EXTRACT_KEYWORDS (what `make messages` uses)."""
    line = re.search(r"^EXTRACT_KEYWORDS := (.+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    return parse_keywords(re.findall(r"-k (\S+)", line))


@functools.cache
def extracted() -> dict[str | tuple[str, str], list[str]]:
    """Every message id the sources name (babel.cfg's files), with where: `id` or (singular, plural).

    Babel's extractor does not look inside f-strings (f"{t('imp_warnings')} ...") nor at a call inside
    another's arguments (t("a", b=t("c"))): the calls are read from the syntax tree as well."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    specs = keywords()
    found: dict[str | tuple[str, str], list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=specs, comment_tags=()
    ):
        found.setdefault(message, []).append(f"{filename}:{line}")
    sources = []
    for folder, folders, names in os.walk(ROOT):
        folders[:] = [name for name in folders if not name.startswith((".", "_"))]
        sources += [
            (Path(folder) / name).relative_to(ROOT).as_posix() for name in names if name.endswith(".py")
        ]
    for filename in (name for name in sources if any(pathmatch(p, name) for p, _ in method_map)):
        tree = ast.parse((ROOT / filename).read_text(encoding="utf-8"))
        for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
            name = getattr(call.func, "id", getattr(call.func, "attr", None))
            if name not in specs:
                continue
            indices = specs[name] or (1,)
            args = [a.value if isinstance(a, ast.Constant) else None for a in call.args]
            if len(args) >= max(indices) and all(isinstance(args[i - 1], str) for i in indices):
                ids = tuple(args[i - 1] for i in indices)
                found.setdefault(ids[0] if len(ids) == 1 else ids, []).append(f"{filename}:{call.lineno}")
    return found


def catalogue(language: str):
    with PO[language].open("rb") as file:
        return read_po(file, locale=language, domain=text.DOMAIN)


def problems(found: dict, catalogues: dict) -> list[str]:
    """What is wrong with the ids the code names: missing from a catalogue, untranslated, or counted in
    the code and not in the catalogue (or the other way round)."""
    wrong = []
    for message, where in sorted(found.items(), key=str):
        singular = message if isinstance(message, str) else message[0]
        for language, messages in catalogues.items():
            entry = messages.get(singular)
            if entry is None:
                wrong.append(f"{singular!r} ({where[0]}) is not in the {language} catalogue")
            elif isinstance(message, tuple) != entry.pluralizable or (
                entry.pluralizable and entry.id != message
            ):
                wrong.append(f"{message!r} ({where[0]}) is {entry.id!r} in the {language} catalogue")
            elif not all(entry.string if entry.pluralizable else [entry.string]):
                wrong.append(f"{singular!r} ({where[0]}) has no {language} text")
    return wrong


def placeholders(string_: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(string_) if name is not None}


def test_every_id_the_code_names_is_in_both_catalogues_and_translated():
    found = extracted()
    catalogues = {language: catalogue(language) for language in text.LANGUAGES}
    assert problems(found, catalogues) == []
    # what the code builds at run time is listed, so extraction sees it
    assert set(found) >= text.CODED
    assert {"attendance_rate", "grade_excellent", "role_admin", "imp_required"} <= set(found)
    assert ("imp_problems", "imp_problems_plural") in found


def test_every_message_of_the_catalogues_is_named_by_the_code():
    """No message the code never asks for: an id built at run time is listed (text.CODED, tables.HEADERS,
    dashboard.PAGES, ...) so that extraction sees it."""
    named = {message if isinstance(message, str) else message[0] for message in extracted()}
    # a problem's group title is its code's id + "_group" where the catalogue has one (Problem.group_title)
    named |= {f"{code}_group" for code in named if code.startswith("imp_")}
    unnamed = [
        m.id for m in catalogue("vi") if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in named
    ]
    assert unnamed == []


def test_a_missing_or_untranslated_id_is_found():
    catalogues = {language: catalogue(language) for language in text.LANGUAGES}
    catalogues["en"]["attendance_rate"].string = ""
    found = {
        "no_such_message": ["pages/x.py:1"],
        "attendance_rate": ["pages/x.py:2"],
        ("imp_problems", "imp_problems_other"): ["pages/x.py:3"],
        "imp_problems": ["pages/x.py:4"],
    }
    assert problems(found, catalogues) == [
        "'attendance_rate' (pages/x.py:2) has no en text",
        "'imp_problems' (pages/x.py:4) is ('imp_problems', 'imp_problems_plural') in the vi catalogue",
        "'imp_problems' (pages/x.py:4) is ('imp_problems', 'imp_problems_plural') in the en catalogue",
        "'no_such_message' (pages/x.py:1) is not in the vi catalogue",
        "'no_such_message' (pages/x.py:1) is not in the en catalogue",
        "('imp_problems', 'imp_problems_other') (pages/x.py:3) is ('imp_problems', 'imp_problems_plural') "
        "in the vi catalogue",
        "('imp_problems', 'imp_problems_other') (pages/x.py:3) is ('imp_problems', 'imp_problems_plural') "
        "in the en catalogue",
    ]


def test_the_catalogues_hold_the_same_ids_each_well_formed():
    vi, en = catalogue("vi"), catalogue("en")
    assert (vi.num_plurals, en.num_plurals) == (1, 2)
    ids = [m.id for m in vi if m.id]
    assert ids == [m.id for m in en if m.id]
    assert len(ids) == len(set(ids)) > 800
    wrong = []
    for message in ids:
        key = message if isinstance(message, str) else message[0]
        forms = {}
        for language, entries in (("vi", vi), ("en", en)):
            entry = entries[key]
            strings = list(entry.string) if entry.pluralizable else [entry.string]
            if entry.fuzzy or len(strings) != (entries.num_plurals if entry.pluralizable else 1):
                wrong.append(f"{key}: {language} has {len(strings)} form(s), fuzzy={entry.fuzzy}")
            forms.update({f"{language}[{i}]": s for i, s in enumerate(strings)})
        shapes = {name: placeholders(s) for name, s in forms.items() if s}
        if len(forms) != len(shapes) or len({frozenset(p) for p in shapes.values()}) != 1:
            wrong.append(f"{key}: {shapes}")
    assert wrong == []


def test_messages_in_each_language(caplog):
    vi, en = text.Locale("vi"), text.Locale("en")
    assert vi.t("attendance_rate") == "Tỷ lệ đảng viên dự sinh hoạt"
    assert vi.coded("grade", "excellent") == "Hoàn thành xuất sắc nhiệm vụ"
    assert [vi.tn("imp_problems", "imp_problems_plural", n, count=n) for n in (1, 2)] == ["1 lỗi", "2 lỗi"]
    assert en.t("attendance_rate") == "Attendance rate"
    assert en.coded("role", "admin") == "Administrator"
    assert [en.tn("imp_bad_rows", "imp_bad_rows_plural", n, count=n) for n in (0, 1, 2)] == [
        "0 bad rows",
        "1 bad row",
        "2 bad rows",
    ]
    # the bilingual lines of the command line and the importer do not depend on any locale
    assert text.pair("imp_backup_kept", name="a.duckdb") == (
        "Bản cũ được giữ: a.duckdb",
        "The previous file is kept as a.duckdb",
    )
    assert text.pair_n("imp_rows_word", "imp_rows_word_plural", 1) == ("dòng", "row")
    assert text.both("imp_backup_kept", name="b") == "Bản cũ được giữ: b\nThe previous file is kept as b"
    # a missing message shows its id and is logged once
    with caplog.at_level(logging.WARNING, logger="cellboard.text"):
        assert [en.t("no_such_message_in_test"), en.t("no_such_message_in_test")] == [
            "no_such_message_in_test"
        ] * 2
    assert [r.getMessage() for r in caplog.records if "no_such_message_in_test" in r.getMessage()] == [
        f"no message 'no_such_message_in_test' in the en catalogue ({text.LOCALE_DIR})"
    ]


def test_a_locale_formats_numbers_and_halves_in_its_own_language():
    vi, en = text.VI, text.EN
    assert (vi.pct(58 / 156), en.pct(58 / 156), vi.pct(0.0005, 0)) == ("37,2%", "37.2%", "0%")
    assert (vi.integer(1234), en.integer(1234), vi.signed(28), en.signed(-3), vi.signed(0)) == (
        "1.234",
        "1,234",
        "+28",
        "-3",
        "0",
    )
    assert (vi.num(2.25), en.num(1234.5, 2), vi.points(0.015), en.points(-0.00049)) == (
        "2,3",
        "1,234.50",
        "+1,5 đ.p.",
        "0.0 pp",
    )
    assert (vi.half("Đúng / Right"), en.half("Đúng / Right"), en.half("Chỉ một")) == (
        "Đúng",
        "Right",
        "Chỉ một",
    )
    row = {"name_vi": "Xã An Phú", "name_en": "An Phu commune"}
    assert (vi.name(row), en.name(row), en.name_column) == ("Xã An Phú", "An Phu commune", "name_en")
    assert (vi.date(dt.date(2026, 1, 2)), en.month(dt.date(2026, 1, 2))) == ("02/01/2026", "01/2026")
    assert text.Locale("fr") == text.VI  # an unknown language falls back to Vietnamese
    assert not hasattr(text, "language") and not hasattr(text, "set_run_language")  # no ambient language


def test_a_missing_or_stale_mo_is_compiled_on_first_use(tmp_path, monkeypatch):
    folder = tmp_path / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = shutil.copy(PO["vi"], folder / "cellboard.po")
    monkeypatch.setattr(text, "LOCALE_DIR", tmp_path)
    mo = text.compile_catalogue("vi")
    assert mo == folder / "cellboard.mo"
    compiled = mo.read_bytes()
    assert "Tỷ lệ đảng viên dự sinh hoạt".encode() in compiled
    # an edited .po (newer than its .mo) is compiled again
    Path(po).write_text(Path(po).read_text().replace("Tỷ lệ đảng viên dự sinh hoạt", "Tỷ lệ dự"))
    stamp = mo.stat().st_mtime - 10
    os.utime(mo, (stamp, stamp))
    assert "Tỷ lệ dự".encode() in text.compile_catalogue("vi").read_bytes()
    assert mo.stat().st_mtime > stamp
