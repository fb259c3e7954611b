"""Messages in Vietnamese and English (gettext catalogues), number and date formats, accent folding.

Whatever formats is given a `Locale` (Vietnamese unless asked otherwise): pages read messages through
`loc.t(key)` (counted ones through `loc.tn(...)`) and numbers through `loc.pct(...)`, `loc.integer(...)`;
the command line and the importer print both languages through `both(key)`, `line(key)` and `pair(key)`.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import os
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from babel.numbers import format_decimal
from babel.support import Translations

LANGUAGES = ("vi", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each in its own language, for the switch


# ---- messages: the gettext catalogues under cellboard/locale ----------------------------------------
# The message id is the key the code names (t("attendance_rate")); the text of each language lives in
# cellboard/locale/<language>/LC_MESSAGES/cellboard.po (one catalogue, domain "cellboard", for the app,
# the importer, the accounts and the command line). `make` compiles each .po into the cellboard.mo beside
# it (git-ignored). So that a fresh checkout still runs without make (`python -m cellboard ...`, a test
# run), a missing or stale .mo is compiled here on first use with Babel, into the same folder (in memory
# when that folder cannot be written). An id built at run time is listed with N_() where it is built,
# so `pybabel extract` (babel.cfg) and tests/test_catalogue.py see it.

DOMAIN = "cellboard"
LOCALE_DIR = Path(__file__).with_name("locale")
_catalogues: dict[str, Translations] = {}
_catalogues_lock = threading.Lock()
_warned: set[object] = set()
log = logging.getLogger(__name__)


def N_(key: str) -> str:  # noqa: N802 (gettext's name for the marker)
    """Marks `key` as a message id for extraction where ids are listed or built; returns it unchanged."""
    return key


def compile_catalogue(language: str) -> Path:
    """Compile the language's .po into the .mo beside it unless that .mo is newer; return the .mo's path."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        data = _compiled(po)
        temporary = mo.with_name(f".{mo.name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_bytes(data)
        os.replace(temporary, mo)  # atomic: a process reading meanwhile sees the old file or the new one
    return mo


def _compiled(po: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as file:
        catalogue = read_po(file, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def _catalogue(language: str) -> Translations:
    found = _catalogues.get(language)
    if found is None:
        with _catalogues_lock:
            found = _catalogues.get(language)
            if found is None:
                try:
                    with compile_catalogue(language).open("rb") as file:
                        found = Translations(file, domain=DOMAIN)
                except OSError:  # a read-only install: compile in memory
                    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
                    found = Translations(io.BytesIO(_compiled(po)), domain=DOMAIN)
                _catalogues[language] = found
    return found


def _missing(key: object, language: str) -> None:
    if (key, language) not in _warned:
        _warned.add((key, language))
        log.warning("no message %r in the %s catalogue (%s)", key, language, LOCALE_DIR)


def _text(language: str, key: str, values: dict[str, object]) -> str:
    found = _catalogue(language)._catalog.get(key)
    if found is None:
        _missing(key, language)
        return key
    return found.format(**values) if values else found


def _plural(language: str, singular: str, plural: str, n: int, values: dict[str, object]) -> str:
    catalogue = _catalogue(language)
    # the catalogue's Plural-Forms choose the form: Vietnamese has one, English two
    found = catalogue._catalog.get((singular, catalogue.plural(n)))
    if found is None:
        _missing(singular, language)
        return singular if n == 1 else plural
    return found.format(**values) if values else found


def known(key: str) -> bool:
    """Whether the catalogue holds the message `key` (both catalogues hold the same ids: a test checks)."""
    return key in _catalogue("vi")._catalog


def pair(key: str, /, **values: object) -> tuple[str, str]:
    """The message in Vietnamese and in English, whatever the current language: the importer's and the
    command line's "vi / en" lines."""
    return _text("vi", key, values), _text("en", key, values)


def pair_n(singular: str, plural: str, n: int, /, **values: object) -> tuple[str, str]:
    """The counted message (as tn) in Vietnamese and in English."""
    return _plural("vi", singular, plural, n, values), _plural("en", singular, plural, n, values)


# Message ids made of a prefix and a code from the data, a URL or a form (coded("grade", "good") is
# t("grade_good")) or otherwise chosen at run time, each listed here with N_ so that extraction sees it
# (tests/test_catalogue.py: every id of the catalogues is seen); coded() warns once of an id not listed
# (a new code: list its id here and give it a message in both catalogues).
CODED = frozenset(
    {
        *(N_("grade_excellent"), N_("grade_good"), N_("grade_complete"), N_("grade_incomplete")),
        *(N_("kind_regular"), N_("kind_thematic"), N_("kind_extraordinary")),
        *(N_("status_active"), N_("status_exempt"), N_("status_away")),
        *(N_("relation_predecessor"), N_("relation_cell"), N_("relation_successor")),
        *(N_("rv_level_province"), N_("rv_level_district"), N_("rv_level_commune")),
        *(N_("sv_level_province"), N_("sv_level_district"), N_("sv_level_commune")),
        *(N_("op_kind_reflection"), N_("op_kind_recommendation")),
        *(N_("op_channel_meeting"), N_("op_channel_written")),
        *(N_("op_status_answered_on_time"), N_("op_status_answered_late")),
        *(N_("op_status_open"), N_("op_status_overdue")),
        *(N_("op_direction_up"), N_("op_direction_down"), N_("op_direction_same")),
        *(N_("op_since_window"), N_("op_since_year"), N_("op_since_all")),
        *(N_("rv_page_docx"), N_("rv_page_docx_help"), N_("rv_page_xlsx"), N_("rv_page_xlsx_help")),
        *(N_("login_notice_expired"), N_("login_notice_ended"), N_("login_notice_signed_out")),
        *(N_("role_admin"), N_("role_standing_committee"), N_("role_organisation_board")),
        *(N_("role_commune"), N_("role_department")),
        *(N_("preset_this_month"), N_("preset_last_month"), N_("preset_last_6_months"), N_("preset_year")),
        *(N_("preset_first_half"), N_("preset_second_half"), N_("preset_custom")),
        *(N_("dq_counts_vs_rows"), N_("dq_roll_vs_rows"), N_("dq_nobody_expected"), N_("dq_unanswered")),
        N_("dq_no_cells"),
        *(N_("dq_answered_after_as_of"), N_("dq_not_on_roll"), N_("dq_same_day_meetings")),
        N_("dq_unknown_department"),
        *(N_("bad_date"), N_("period_reversed")),  # a link's problems (periods.from_params)
        # the review's signature and title by the unit's kind and the period's
        *(N_("rv_sign_standing"), N_("rv_sign_commune"), N_("rv_sign_cell"), N_("rv_sign_other")),
        *(N_("rv_title_year"), N_("rv_title_half"), N_("rv_title_other")),
        # figures named by a variable (t(figure)), and their explanations (coded(figure, "help"))
        *(N_("opinions_raised"), N_("answered_on_time"), N_("excellent_share"), N_("visit_coverage")),
        *(N_("op_overdue"), N_("op_answered_late")),
        *(
            N_("attendance_rate_help"),
            N_("meetings_help"),
            N_("regularity_help"),
            N_("thematic_coverage_help"),
        ),
        *(N_("opinions_raised_help"), N_("answered_on_time_help"), N_("excellent_share_help")),
        *(N_("visit_coverage_help"), N_("op_overdue_help"), N_("op_answered_late_help")),
        *(N_("sv_members_help"), N_("sv_compliant_help"), N_("sv_not_visited_help"), N_("sv_coverage_help")),
        # the audit log's actions (cellboard/auth.py, sessions.py, ingest: write_ and the op)
        *(
            N_("audit_login"),
            N_("audit_login_failed"),
            N_("audit_password_change"),
            N_("audit_password_change_failed"),
            N_("audit_password_reset"),
            N_("audit_account_add"),
            N_("audit_account_remove"),
            N_("audit_account_disable"),
            N_("audit_account_enable"),
            N_("audit_session_start"),
            N_("audit_session_end"),
            N_("audit_session_end_all"),
            N_("audit_session_expired"),
            N_("audit_download"),
            N_("audit_report"),
            N_("audit_import"),
            N_("audit_query"),
            N_("audit_write_answer"),
            N_("audit_write_meeting"),
            N_("audit_write_withdraw"),
            N_("audit_write_undo"),
        ),
    }
)


def line(key: str, /, **values: object) -> str:
    """The message in Vietnamese / English on one line: the command line's "vi / en" lines."""
    return " / ".join(pair(key, **values))


def both(key: str, /, **values: object) -> str:
    """The message in Vietnamese, then English, a line each: what the command line prints."""
    return "\n".join(pair(key, **values))


# ---- numbers and dates -------------------------------------------------------


def _half_up(value: float, places: int) -> Decimal:
    # Babel rounds half-even; docs/DOMAIN.md wants half up, once, at display.
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def is_missing(value: object) -> bool:
    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


def fmt_date(value: dt.date | None) -> str:
    if is_missing(value):
        return "–"
    return value.strftime("%d/%m/%Y")


def fmt_month(value: dt.date) -> str:
    return value.strftime("%m/%Y")


# ---- the locale: what every page, chart, table and review formats with ------------------------------
# The language travels as this value, passed to whatever formats (a page takes its session's from
# app.ui.locale(), the review is built with the one asked for, the command line makes its own). No
# thread or process holds a "current language": two sessions rendered at the same moment, or a download
# built on a thread of its own, format with the locale they were given.


@dataclass(frozen=True)
class Locale:
    language: str = "vi"

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            object.__setattr__(self, "language", "vi")

    @property
    def vi(self) -> bool:
        return self.language == "vi"

    # -- messages
    def t(self, key: str, /, **values: object) -> str:
        """The message `key`, with `{name}` values filled in; a missing message shows its key (and is
        logged once)."""
        return _text(self.language, key, values)

    def tn(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The counted message (ngettext): one form in Vietnamese, the singular or the plural in English
        by `n`; `{name}` values filled in (pass the count formatted, e.g. count=loc.integer(n))."""
        return _plural(self.language, singular, plural, n, values)

    def coded(self, prefix: str, code: object, /, **values: object) -> str:
        """The message for a code: coded("op_status", "open") is t("op_status_open")."""
        key = f"{prefix}_{code}"
        if key not in CODED and (key, "coded") not in _warned:
            _warned.add((key, "coded"))
            log.warning("message id %r is built at run time but not listed in text.CODED", key)
        return self.t(key, **values)

    def half(self, message: str) -> str:
        """This language's half of a bilingual "Vietnamese / English" message."""
        vi, sep, en = message.partition(" / ")
        if not sep:
            return message
        return vi if self.vi else en

    def name(self, row: Mapping[str, Any]) -> Any:
        """A unit's name in this language, from a row (or frame) holding name_vi and name_en."""
        return row["name_vi"] if self.vi else row["name_en"]

    @property
    def name_column(self) -> str:
        return f"name_{self.language}"

    # -- numbers (rounded half up, once, at display: docs/DOMAIN.md)
    @property
    def _babel(self) -> str:
        return "vi_VN" if self.vi else "en_US"

    @property
    def separators(self) -> str:
        """Plotly's decimal and thousands separators."""
        return ",." if self.vi else ".,"

    def pct(self, fraction: float | None, places: int = 1) -> str:
        """A fraction as a percentage: 58/156 -> '37,2%' (Vietnamese) or '37.2%'."""
        if is_missing(fraction):
            return "–"
        value = _half_up(float(fraction) * 100, places)
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return format_decimal(value, pattern, locale=self._babel, decimal_quantization=False) + "%"

    def integer(self, value: float | None) -> str:
        """A count with thousands grouped: 1234 -> '1.234' (Vietnamese) or '1,234'."""
        if is_missing(value):
            return "–"
        return format_decimal(int(round(float(value))), "#,##0", locale=self._babel)

    def signed(self, value: float | None) -> str:
        """A change in a count, signed: '+28', '-3', '0'."""
        if is_missing(value):
            return "–"
        return ("+" if value > 0 else "") + self.integer(value)

    def num(self, value: float | None, places: int = 1) -> str:
        if is_missing(value):
            return "–"
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return format_decimal(_half_up(float(value), places), pattern, locale=self._babel)

    @property
    def points_unit(self) -> str:
        return " đ.p." if self.vi else " pp"

    def points(self, delta: float | None) -> str:
        """A change between two fractions in percentage points, signed: '+1,5 đ.p.'."""
        if is_missing(delta):
            return "–"
        rounded = _half_up(float(delta) * 100, 1)
        sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
        # "-0,0" would show a falling arrow for no change: the sign comes from the rounded value
        return sign + self.num(abs(float(rounded)), 1) + self.points_unit

    # dates read dd/mm/yyyy in both languages (docs/DOMAIN.md)
    def date(self, value: dt.date | None) -> str:
        return fmt_date(value)

    def month(self, value: dt.date) -> str:
        return fmt_month(value)


VI = Locale("vi")
EN = Locale("en")


# ---- names compared as people mean them -----------------------------------------


def department_name(name: object) -> str:
    """A department's name as stored and compared: trimmed, in Unicode NFC ('' for none). The same as
    the macro department_name (cellboard/data/macros.sql) the queries and schema.sql call."""
    return "" if is_missing(name) else unicodedata.normalize("NFC", str(name).strip())


# ---- accent folding ----------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, accents stripped, đ -> d: 'Đường Tam Đảo' -> 'duong tam dao'.

    The same folding as `replace(strip_accents(lower(s)), 'đ', 'd')` in DuckDB.
    """
    lowered = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


# ---- values shown inside markdown ----------------------------------------------

_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# where GitHub-flavoured Markdown makes a link of bare text: "http://", "www.", "name@host"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=[wW]{3})(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"


def escape_markdown(value: object) -> str:
    """`value` (a name, a URL parameter, anything from the data or a form) as literal text inside
    Streamlit's markdown (st.markdown, st.caption, st.error, titles, help, widget labels).

    Every ASCII punctuation mark is backslash-escaped, so no emphasis, link, image, code, LaTeX ($),
    colour or icon directive (:red[...], :material/...:), emoji shortcode or HTML tag (<b>, &lt;)
    is made from it; an invisible word joiner breaks the bare-URL and e-mail links GitHub-flavoured
    Markdown would make of "http://...", "www." and "a@b.c"; line breaks become spaces, so no heading,
    list or quote starts inside it. Escape the value, never the label around it (labels may hold
    intended **bold**). Plotly text is HTML, not markdown: charts escape with html.escape."""
    plain = " ".join(str(value).splitlines())
    plain = _AUTOLINK.sub(WORD_JOINER, plain)
    return _ASCII_PUNCTUATION.sub(r"\\\1", plain)
