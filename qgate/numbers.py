"""Format exact decimals for people: significant digits, never a fake zero."""

from __future__ import annotations

import decimal

SIGNIFICANT = 4


def format_number(value: decimal.Decimal, significant: int = SIGNIFICANT) -> str:
    """Round to ``significant`` digits; a non-zero value never prints as 0."""
    if value == 0:
        return "0"
    exponent = value.adjusted()
    quantum = decimal.Decimal(1).scaleb(exponent - significant + 1)
    rounded = value.quantize(quantum, rounding=decimal.ROUND_HALF_EVEN,
                             context=decimal.Context(prec=significant + 2))
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


def format_distinct(value: decimal.Decimal, *others: decimal.Decimal | None) -> str:
    """Format ``value`` with enough digits not to look equal to any of ``others``."""
    rivals = [o for o in others if o is not None and o != value]
    # With as many digits as the longest number has, every value prints exactly.
    longest = max(len(v.as_tuple().digits) for v in (value, *rivals))
    for digits in range(SIGNIFICANT, longest):
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
