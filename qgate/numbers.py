"""Format exact decimals for people: significant digits, never a fake zero."""

from __future__ import annotations

import decimal
import functools

SIGNIFICANT = 4


@functools.cache
def _rounding(significant: int) -> decimal.Context:
    """The context that rounds to ``significant`` digits (made once per precision).

    Rounding only sets its flags, which nothing here reads, so one context can
    serve every call.
    """
    return decimal.Context(prec=significant + 2)


@functools.lru_cache(maxsize=256)
def _format(value: decimal.Decimal, significant: int) -> str:
    # The text depends on the value alone, not on how it is written ("1.0" and
    # "1" print alike), so a cache keyed by equal values is exact. A table row
    # formats the same few values several times to keep them apart.
    if value == 0:
        return "0"
    exponent = value.adjusted()
    quantum = decimal.Decimal(1).scaleb(exponent - significant + 1)
    rounded = value.quantize(
        quantum, rounding=decimal.ROUND_HALF_EVEN, context=_rounding(significant)
    )
    if rounded.adjusted() != exponent:
        exponent = rounded.adjusted()
    if -5 <= exponent < 9:
        text = f"{rounded:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    mantissa = rounded.scaleb(-exponent)
    digits = f"{mantissa:f}"
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return f"{digits}e{exponent}"


def format_number(value: decimal.Decimal, significant: int = SIGNIFICANT) -> str:
    """Round to ``significant`` digits; a non-zero value never prints as 0."""
    if value.is_nan():
        # A NaN is no cache key (a signalling one cannot even be hashed).
        return _format.__wrapped__(value, significant)
    return _format(value, significant)


def format_distinct(value: decimal.Decimal, *others: decimal.Decimal | None) -> str:
    """Format ``value`` with enough digits not to look equal to any of ``others``."""
    rivals = [o for o in others if o is not None and o != value]
    text = format_number(value, SIGNIFICANT)
    if all(text != format_number(o, SIGNIFICANT) for o in rivals):
        return text
    # With as many digits as the longest number has, every value prints exactly.
    longest = max(len(v.as_tuple().digits) for v in (value, *rivals))
    for digits in range(SIGNIFICANT + 1, longest):
        text = format_number(value, digits)
        if all(text != format_number(o, digits) for o in rivals):
            return text
    return format_number(value, max(SIGNIFICANT, longest))


def format_signed(value: decimal.Decimal) -> str:
    """Format a change with its sign; zero is "0"."""
    if value == 0:
        return "0"
    sign = "+" if value > 0 else "-"
    return sign + format_number(abs(value))


def format_percent(change: decimal.Decimal, base: decimal.Decimal) -> str:
    """Relative change in percent of |base|, or "" when undefined."""
    if base == 0:
        return ""
    ratio = change / abs(base) * 100
    return format_signed(ratio.normalize() if ratio else ratio) + "%"
