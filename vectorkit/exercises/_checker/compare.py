"""Compare a student's answer with the reference: tolerant for numbers, order-free for sets.

``compare(got, expected)`` returns ``None`` when they match, otherwise a short, kind reason
that describes what is wrong without revealing the expected value.
"""

from __future__ import annotations

import numbers

import numpy as np


def _is_number(x) -> bool:
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, numbers.Real):
        return True
    return isinstance(x, np.ndarray) and x.ndim == 0 and np.issubdtype(x.dtype, np.number)


def describe(x) -> str:
    """What kind of thing ``x`` is, for a message: "an int", "a function", "an array of shape (3,)".

    Example:
        >>> describe(3), describe([1]), describe(len)
        ('an int', 'a list', 'a function')
    """
    if x is None:
        return "None"
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    if callable(x) and not isinstance(x, type):
        return "a function"
    name = type(x).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _reads_as_number(x) -> bool:
    try:
        float(x.strip())
    except (AttributeError, ValueError):
        return False
    return True


def _numeric_array(x):
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr


def _compare_number(got, expected, rtol, atol):
    if isinstance(got, str) and _reads_as_number(got):
        return (f"your answer is the text {got!r} (a str), not a number: write the number "
                "without quotes, or convert it with float()")
    if not _is_number(got):
        return f"your answer should be a number, but it is {describe(got)}"
    g = float(got)
    if np.isnan(g):
        return "your answer is NaN (not a number): look for a division by zero or a missing value"
    if not np.isclose(g, float(expected), rtol=rtol, atol=atol):
        return "that is not the right value"
    return None


def _compare_array(got, expected, rtol, atol):
    exp = np.asarray(expected, dtype=np.float64)
    arr = _numeric_array(got)
    if arr is None or (isinstance(got, (str, bytes))):
        return f"your answer should be an array of numbers, but it is {describe(got)}"
    if arr.shape != exp.shape:
        return (f"your answer has shape {arr.shape}, which is not the expected shape: "
                "check how many values (rows and columns) it should have")
    if np.isnan(arr).any() and not np.isnan(exp).any():
        return "your answer contains NaN (not a number): look for a division by zero"
    close = np.isclose(arr, exp, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        bad = int((~close).sum())
        return f"the shape is right but {bad} of the {close.size} values are not"
    return None


def _norm_item(x, case_sensitive):
    if isinstance(x, str):
        x = x.strip()
        return x if case_sensitive else x.casefold()
    if isinstance(x, np.generic):
        return x.item()
    return x


def _compare_unordered(got, expected, rtol, atol, case_sensitive):
    if isinstance(got, (str, bytes, dict)) or not hasattr(got, "__iter__"):
        return f"your answer should be a collection of items, but it is {describe(got)}"
    got_items, exp_items = list(got), list(expected)
    if len(got_items) != len(exp_items):
        return (f"your answer has {len(got_items)} items, which is not the expected number "
                "of items")
    if exp_items and all(_is_number(e) for e in exp_items):
        arr = _numeric_array(got_items)
        if arr is None or arr.ndim != 1:
            return "your answer should contain numbers only"
        close = np.isclose(np.sort(arr), np.sort(np.asarray(exp_items, float)), rtol=rtol,
                           atol=atol)
        return None if close.all() else "some of your items are not right (order does not matter)"
    try:
        remaining = [_norm_item(e, case_sensitive) for e in exp_items]
        wrong = 0
        for item in got_items:
            item = _norm_item(item, case_sensitive)
            if item in remaining:
                remaining.remove(item)
            else:
                wrong += 1
    except TypeError:
        return "your answer contains items that cannot be compared"
    if wrong:
        return (f"{wrong} of your {len(got_items)} items {'is' if wrong == 1 else 'are'} "
                "not right (order does not matter)")
    return None


def compare(got, expected, *, rtol=1e-6, atol=1e-9, unordered=False, case_sensitive=False):
    """Return ``None`` if ``got`` matches ``expected``, else a reason for the student.

    Example:
        >>> compare(0.3333333, 1 / 3) is None, compare([2, 1], {1, 2}) is None
        (True, True)
    """
    if isinstance(expected, (set, frozenset)) or (unordered and not isinstance(expected, dict)):
        return _compare_unordered(got, expected, rtol, atol, case_sensitive)
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(got, (bool, np.bool_)):
            return f"your answer should be True or False, but it is {describe(got)}"
        return None if bool(got) == bool(expected) else "that is not right"
    if _is_number(expected):
        return _compare_number(got, expected, rtol, atol)
    if isinstance(expected, str):
        if not isinstance(got, str):
            return (f"your answer should be text (a str, in quotes), but it is "
                    f"{describe(got)}")
        same = _norm_item(got, case_sensitive) == _norm_item(expected, case_sensitive)
        return None if same else "that is not the right text"
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"your answer should be a dict, but it is {describe(got)}"
        if set(got) != set(expected):
            return "your dict does not have the expected keys"
        for key, value in expected.items():
            reason = compare(got[key], value, rtol=rtol, atol=atol,
                             case_sensitive=case_sensitive)
            if reason:
                return f"the value for key {key!r} is not right: {reason}"
        return None
    exp_arr = _numeric_array(expected)
    if exp_arr is not None and exp_arr.dtype != object and exp_arr.ndim > 0:
        return _compare_array(got, expected, rtol, atol)
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple, np.ndarray)):
            return f"your answer should be a list, but it is {describe(got)}"
        if len(got) != len(expected):
            return f"your answer has {len(got)} items, which is not the expected number of items"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            reason = compare(g, e, rtol=rtol, atol=atol, case_sensitive=case_sensitive)
            if reason:
                return f"item {i} is not right: {reason}"
        return None
    try:
        return None if bool(got == expected) else "that is not right"
    except (TypeError, ValueError):
        return "that is not right"
