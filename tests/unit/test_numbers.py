"""Numbers for people: significant digits, and no change ever shown as zero."""

from __future__ import annotations

import decimal
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qgate.numbers import format_distinct, format_number, format_percent, format_signed

D = decimal.Decimal

NONZERO = st.decimals(
    min_value=D("-1e30"), max_value=D("1e30"), allow_nan=False, allow_infinity=False
).filter(lambda d: d != 0 and abs(d) > D("1e-300"))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("0"), "0"),
        (D("-0.000"), "0"),
        (D("1"), "1"),
        (D("100"), "100"),
        (D("1E+2"), "100"),
        (D("0.1"), "0.1"),
        (D("0.123456"), "0.1235"),
        (D("0.98765"), "0.9876"),
        (D("123456"), "123500"),
        (D("99999999"), "100000000"),
        (D("1234567890"), "1.235e9"),
        (D("0.00001234"), "0.00001234"),
        (D("0.000001234"), "1.234e-6"),
        (D("-0.5"), "-0.5"),
        (D("9.9996"), "10"),
        (D("4E-17"), "4e-17"),
        (D("1e-300"), "1e-300"),
        (D("-2.5e300"), "-2.5e300"),
    ],
)
def test_format_number__four_significant_digits(value, text):
    """Values print with four significant digits and no trailing zeros."""

    assert format_number(value) == text


@pytest.mark.parametrize(
    ("value", "significant", "text"),
    [
        (D("123456789012"), 1, "1e11"),
        (D("0.0000001234"), 2, "1.2e-7"),
        (D("0.30000000000000004"), 17, "0.30000000000000004"),
    ],
)
def test_format_number__other_precisions(value, significant, text):
    """Any number of significant digits can be asked for."""

    assert format_number(value, significant) == text


@given(NONZERO)
def test_format_number__never_prints_a_nonzero_value_as_zero(value):
    """A value that is not zero never prints as zero and keeps its sign."""

    text = format_number(value)

    assert (D(text) != 0, D(text) < 0) == (True, value < 0)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("0"), "0"),
        (D("4E-17"), "+4e-17"),
        (D("-0.001"), "-0.001"),
        (D("0.00004"), "+0.00004"),
        (D("-125.55"), "-125.6"),
    ],
)
def test_format_signed__shows_the_sign(value, text):
    """A change carries its sign; no change is a bare 0."""

    assert format_signed(value) == text


@given(NONZERO)
def test_format_signed__never_shows_a_change_as_zero(value):
    """No nonzero change prints as +0, +0.00 or -0."""

    text = format_signed(value)

    assert re.fullmatch(r"[+-]0(\.0*)?", text) is None


@pytest.mark.parametrize(
    ("change", "base", "text"),
    [
        (D("0.05"), D("0.9"), "+5.556%"),
        (D("-0.04"), D("-0.5"), "-8%"),
        (D("0.5"), D("-0.5"), "+100%"),
        (D("4E-17"), D("0.3"), "+1.333e-14%"),
        (D("0"), D("3"), "0%"),
        (D("1"), D("0"), ""),
    ],
)
def test_format_percent__of_the_absolute_baseline(change, base, text):
    """The relative change is a percentage of |baseline|, empty when it is zero."""

    assert format_percent(change, base) == text


@pytest.mark.parametrize(
    ("value", "others", "text"),
    [
        (D("0.123456"), (), "0.1235"),
        (D("0.90001"), (D("0.9"),), "0.90001"),
        (D("0.9"), (D("0.9"), None), "0.9"),
        (D("0.30000000000000004"), (D("0.3"),), "0.30000000000000004"),
        (D("1." + "0" * 45 + "1"), (D("1"),), "1." + "0" * 45 + "1"),
        (D("1"), (D("1." + "0" * 45 + "1"),), "1"),
    ],
)
def test_format_distinct__adds_digits_until_values_differ(value, others, text):
    """A value gets as many digits as it needs to look different from the others."""

    assert format_distinct(value, *others) == text


@given(NONZERO, NONZERO)
def test_format_distinct__never_shows_a_different_value_as_the_other(value, other):
    """A value printed next to a different one never reads as that other value."""

    text = format_distinct(value, other)

    assert value == other or D(text) != other


def _distinct_by_trying_every_precision(value, *others):
    """format_distinct as its contract reads: from 4 digits up, the first that
    tells ``value`` apart from every other value."""
    rivals = [o for o in others if o is not None and o != value]
    longest = max(len(v.as_tuple().digits) for v in (value, *rivals))
    for digits in range(4, longest):
        text = format_number(value, digits)
        if all(text != format_number(o, digits) for o in rivals):
            return text
    return format_number(value, max(4, longest))


@given(NONZERO, st.lists(st.one_of(st.none(), NONZERO), max_size=3))
def test_format_distinct__as_trying_every_precision(value, others):
    """Starting with the common case (4 digits) changes no answer."""

    assert format_distinct(value, *others) == _distinct_by_trying_every_precision(
        value, *others
    )


@given(NONZERO, st.integers(0, 5), st.integers(1, 30))
def test_format_number__same_value_same_text_however_written(value, zeros, digits):
    """Trailing zeros in the way a value is written never change its text, so
    remembering texts by value is exact (checked here without the memory)."""
    from qgate.numbers import _format

    sign, coefficient, exponent = value.as_tuple()
    padded = D((sign, (*coefficient, *(0,) * zeros), exponent - zeros))

    assert _format.__wrapped__(padded, digits) == _format.__wrapped__(value, digits)
