"""Schemathesis hooks for `scripts/api-check`.

Benk's OpenAPI document names a few string formats that JSON Schema cannot
check (check digits, "not after today"). These strategies generate valid
values for them, so that schemathesis can tell whether the server accepts
every request the document allows. They follow the domain constructors in
crates/domain (NationalId::parse, OrgNumber::parse, Phone::parse, and the
visible-content rule of PersonName::parse and ShortText::parse_name).
"""

import unicodedata
from datetime import date, timedelta
from functools import lru_cache

import schemathesis
from hypothesis import strategies as st
from schemathesis.specs.openapi import negative

K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
ORG = [3, 2, 7, 6, 5, 4, 3, 2]


def mod11(digits, weights):
    k = 11 - sum(d * w for d, w in zip(digits, weights)) % 11
    return {11: 0, 10: None}.get(k, k)


@st.composite
def national_id(draw):
    """A Tenor synthetic fødselsnummer or D-number (month + 80) born 1900–1999."""
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)))
    d_number = draw(st.booleans())
    day = born.day + (40 if d_number else 0)
    prefix = f"{day:02d}{born.month + 80:02d}{born.year % 100:02d}"
    for individual in draw(st.permutations(range(0, 500)))[:40]:
        digits = [int(c) for c in f"{prefix}{individual:03d}"]
        k1 = mod11(digits, K1)
        if k1 is None:
            continue
        k2 = mod11(digits + [k1], K2)
        if k2 is None:
            continue
        text = "".join(map(str, digits + [k1, k2]))
        return text[:6] + " " + text[6:] if draw(st.booleans()) else text
    return "01818012345"  # unreachable in practice: some individual number always fits


@st.composite
def org_number(draw):
    while True:
        base = [int(c) for c in str(draw(st.integers(80_000_000, 99_999_999)))]
        k = mod11(base, ORG)
        if k is not None:
            return "".join(map(str, base + [k]))


phone = st.one_of(
    st.from_regex(r"\A[49][0-9]{7}\Z"),
    st.from_regex(r"\A\+47 ?[49][0-9]{2} ?[0-9]{2} ?[0-9]{3}\Z"),
    st.from_regex(r"\A00 ?47 ?[49][0-9]{7}\Z"),
    st.from_regex(r"\A\+[1-35-9][0-9]{6,14}\Z"),
)


# Names (`visible-name`): a short text that shows something once invisible and
# combining characters are taken out, like `is_visible` in crates/domain/src/client.rs.
# Generated names are visible text, sometimes with a space, a zero-width space or a
# combining accent inside (which the server keeps). Never with white space around them:
# the server trims before it counts, so " " + 200 characters is a valid name although
# longer than maxLength, and schemathesis' negative mode would count it as invalid.
_VISIBLE = st.characters(categories=["L", "N", "P", "S"], exclude_characters="\u115f\u1160\u3164\uffa0\u2800")
_INSIDE = st.sampled_from(["", " ", "\u200b", "\u0301", "-"])


@st.composite
def visible_name(draw):
    core = draw(st.text(_VISIBLE, min_size=1, max_size=40))
    if len(core) < 2:
        return core
    cut = draw(st.integers(1, len(core) - 1))
    return core[:cut] + draw(_INSIDE) + core[cut:]


def date_not_after_today():
    today = date.today() - timedelta(days=1)  # the server's "today" is Oslo's
    return st.dates(min_value=today - timedelta(days=3650), max_value=today).map(date.isoformat)


# Validators for the same formats, mirroring the domain's parse functions.
#
# In negative mode schemathesis drops `format` from a schema, draws a value that
# still matches the rest (the pattern), and counts it as invalid because it
# treats every custom format as one no value satisfies. "43380589" matches the
# phone pattern and *is* a valid phone number, so the server rightly accepts it
# and the check reported a false "schema-violating request accepted". With
# these validators a drawn value counts as a format violation only when the
# domain would refuse it. The hook relies on `negative.get_validator` of the
# pinned schemathesis version (scripts/api-check installs exactly that one).


def is_phone(value):
    t = value.strip()
    if t.startswith("+"):
        international, rest = True, t[1:]
    elif t.startswith("00"):
        international, rest = True, t[2:]
    else:
        international, rest = False, t
    digits = ""
    for c in rest:
        if c.isascii() and c.isdigit():
            digits += c
        elif c not in " \u00a0-.()":
            return False
    if not digits:
        return False
    if international:
        if digits.startswith("0"):
            return False
        if not digits.startswith("47"):
            return 7 <= len(digits) <= 15
        digits = digits[2:]
    return len(digits) == 8


def century(yy, individual):
    if individual <= 499:
        return 1900
    if individual <= 749 and yy >= 54:
        return 1800
    if yy <= 39:
        return 2000
    if individual >= 900:
        return 1900
    return None


def is_national_id(value):
    t = value.strip()
    if len(t) == 12 and t[6] == " ":
        t = t.replace(" ", "")
    if len(t) != 11 or not all(c in "0123456789" for c in t):
        return False
    d = [int(c) for c in t]
    if mod11(d[:9], K1) != d[9] or mod11(d[:10], K2) != d[10]:
        return False
    day, month, yy, individual = d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5], d[6] * 100 + d[7] * 10 + d[8]
    if d[0] >= 8:
        return False
    if 81 <= month <= 92:
        month -= 80
    elif not 1 <= month <= 12:
        return False
    if 41 <= day <= 71:
        day -= 40
    elif not 1 <= day <= 31:
        return False
    year = century(yy, individual)
    if year is None:
        return False
    try:
        date(year + yy, month, day)
    except ValueError:
        return False
    return True


def is_org_number(value):
    t = "".join(c for c in value if not c.isspace())
    if len(t) != 9 or not all(c in "0123456789" for c in t):
        return False
    d = [int(c) for c in t]
    return mod11(d[:8], ORG) == d[8]


def is_visible_char(c):
    return not c.isspace() and unicodedata.category(c)[0] not in "MCZ" and c not in "\u115f\u1160\u3164\uffa0\u2800"


def is_visible_name(value):
    """Blank is left to the pattern (required) or means "not given" (optional)."""
    t = value.strip()
    return t == "" or any(is_visible_char(c) for c in t)


def is_date_not_after_today(value):
    try:
        return date.fromisoformat(value) <= date.today() + timedelta(days=1)
    except ValueError:
        return False


VALIDATORS = {
    "phone": is_phone,
    "no-national-id": is_national_id,
    "no-org-number": is_org_number,
    "date-not-after-today": is_date_not_after_today,
    "visible-name": is_visible_name,
}


def _validator_with_domain_formats(cache_key):
    """`negative.get_validator` of schemathesis 4.32.5, with Benk's formats checked for real."""
    formats = {}
    if cache_key.validator_cls is negative.jsonschema_rs.Draft4Validator:
        formats.update(negative.DRAFT4_SUPPLEMENTAL_FORMATS)
    natively = negative.VALIDATED_FORMATS_BY_DRAFT.get(cache_key.validator_cls, frozenset())
    for name in cache_key.custom_format_names - negative._ALWAYS_INVALID_FORMATS - natively - formats.keys():
        if name in VALIDATORS:
            formats[name] = VALIDATORS[name]
        elif name in negative.STANDARD_FORMATS:
            formats[name] = negative._standard_format_check(name)
        else:
            formats[name] = negative._always_invalid
    return cache_key.validator_cls(
        cache_key.schema,
        formats=formats,
        validate_formats=True,
        pattern_options=negative.FANCY_REGEX_OPTIONS,
    )


_original_get_validator = negative.get_validator


@lru_cache
def get_validator(cache_key):
    if cache_key.custom_format_names & VALIDATORS.keys():
        return _validator_with_domain_formats(cache_key)
    return _original_get_validator(cache_key)


negative.get_validator = get_validator

schemathesis.openapi.format("no-national-id", national_id())
schemathesis.openapi.format("no-org-number", org_number())
schemathesis.openapi.format("phone", phone)
schemathesis.openapi.format("date-not-after-today", date_not_after_today())
schemathesis.openapi.format("visible-name", visible_name())
