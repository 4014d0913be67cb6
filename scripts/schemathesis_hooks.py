"""Schemathesis hooks for `scripts/api-check`.

Benk's OpenAPI document names a few string formats that JSON Schema cannot
check (check digits, "not after today"). These strategies generate valid
values for them, so that schemathesis can tell whether the server accepts
every request the document allows. They follow the domain constructors in
crates/domain (NationalId::parse, OrgNumber::parse, Phone::parse).
"""

from datetime import date, timedelta

import schemathesis
from hypothesis import strategies as st

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


def date_not_after_today():
    today = date.today() - timedelta(days=1)  # the server's "today" is Oslo's
    return st.dates(min_value=today - timedelta(days=3650), max_value=today).map(date.isoformat)


schemathesis.openapi.format("no-national-id", national_id())
schemathesis.openapi.format("no-org-number", org_number())
schemathesis.openapi.format("phone", phone)
schemathesis.openapi.format("date-not-after-today", date_not_after_today())
