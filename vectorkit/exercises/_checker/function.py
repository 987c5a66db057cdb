"""Function questions: the student writes a function, the checker runs it on test cases.

Visible cases are described with their inputs; hidden cases only by a label, so a student
cannot fit the tests. Expected results come from the reference function, and failures are
explained (with :class:`~vectorkit.exercises.Mistake` messages when a typical error is
recognised) without ever revealing the expected result.
"""

from __future__ import annotations

import copy
import inspect
import reprlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from vectorkit.exercises._checker.compare import compare
from vectorkit.exercises._checker.core import Mistake, Question
from vectorkit.exercises._checker.placeholder import uses_placeholder

_GENERIC = ("that is not the right value", "that is not right", "that is not the right text")
_short = reprlib.Repr()
_short.maxlist = _short.maxtuple = 6
_short.maxother = _short.maxstring = 60


def _show(x) -> str:
    if isinstance(x, np.ndarray):
        return np.array2string(x, threshold=8, edgeitems=3, precision=4, separator=", ")
    return _short.repr(x)


@dataclass(frozen=True)
class Case:
    """One test case: positional ``args`` (a tuple) and optional ``kwargs``.

    Args:
        label: what the case is about ("two identical vectors"): shown in messages.
        hidden: hidden cases never show their inputs.
        raises: the exception type the function must raise for these inputs.
        message: what to say when the result is wrong (``{got}`` and ``{where}`` are filled in).
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    hidden: bool = False
    raises: type[BaseException] | None = None
    message: str = ""


def _plain(signature: inspect.Signature) -> inspect.Signature:
    """``signature`` without annotations, as a learner would write it: ``(a, b)``."""
    return signature.replace(
        parameters=[p.replace(annotation=inspect.Parameter.empty)
                    for p in signature.parameters.values()],
        return_annotation=inspect.Signature.empty)


def signature_problem(func, name: str, wanted: inspect.Signature | None,
                      calls: Sequence[tuple[tuple, dict]]) -> str | None:
    """Why ``func`` cannot stand for ``name`` with signature ``wanted``, or ``None``.

    ``func`` must accept every ``(args, kwargs)`` of ``calls``, and must not take the
    question's parameters in another order (the same names, shuffled).

    Example:
        >>> import inspect
        >>> wanted = inspect.signature(lambda a, b: 0)
        >>> signature_problem(lambda a: 0, "ratio", wanted, [((1, 2), {})])
        "your function's parameters are (a), but the checker calls ratio(a, b): define it as `def ratio(a, b):`"
    """
    if wanted is None:
        return None
    try:
        theirs = _plain(inspect.signature(func))
    except (TypeError, ValueError):  # some built-ins have no signature: just call them
        return None
    call = f"{name}{_plain(wanted)}"
    for args, kwargs in calls:
        try:
            theirs.bind(*args, **kwargs)
        except TypeError:
            return (f"your function's parameters are {theirs}, but the checker calls {call}: "
                    f"define it as `def {call}:`")
    params = list(wanted.parameters)
    mine = list(theirs.parameters)[:len(params)]
    if mine != params and sorted(mine) == sorted(params):
        return (f"your function's parameters are {theirs}, in another order than the "
                f"question's {call}: the checker passes the arguments in that order")
    return None


def _same(before, after) -> bool:
    try:
        if isinstance(before, np.ndarray):
            return isinstance(after, np.ndarray) and np.array_equal(before, after, equal_nan=True)
        return bool(before == after)
    except Exception:
        return True


class FunctionQuestion(Question):
    """A question whose answer is a function, tested on visible and hidden cases.

    Args:
        prompt: the question text (say which exceptions the function must raise).
        reference: the reference implementation (expected results are computed from it).
        cases: :class:`Case` instances, visible ones first is friendliest.
        compare: ``compare(got, expected)`` -> ``None`` if fine, else a reason; default is a
            tolerant value comparison using ``rtol``/``atol``.
        mistakes: :class:`Mistake` instances; ``when(got, *args)``.
        func_name: the function's name in messages (default: the reference's name).
        forbidden: dotted names of library functions that may not be handed in as the answer
            (e.g. ``"vectorkit.similarity.cosine_similarity"`` when the task is to write it).

    Example:
        >>> def double(x):
        ...     return 2 * x
        >>> q = FunctionQuestion("Write double(x).", double, [Case((3,)), Case((-1,), hidden=True)],
        ...                      hints=["Multiply.", "return 2 * x"])
        >>> q.check(lambda x: x + x).status, q.check(lambda x: x * x).status
        ('correct', 'incorrect')
    """

    kind = "function"

    def __init__(self, prompt: str, reference: Callable, cases: Sequence[Case], *,
                 compare: Callable | None = None, rtol: float = 1e-6, atol: float = 1e-9,
                 mistakes: Sequence[Mistake] = (), func_name: str = "",
                 forbidden: Sequence[str] = (), **kwargs):
        super().__init__(prompt, **kwargs)
        if not callable(reference):
            raise ValueError(f"`reference` must be a function, got {type(reference).__name__}")
        cases = tuple(cases)
        if not cases or not all(isinstance(c, Case) for c in cases):
            raise ValueError(f"`cases` must be a non-empty list of Case, got {cases!r}")
        self.reference = reference
        self.cases = cases
        self.rtol, self.atol = rtol, atol
        self.compare = compare
        self.mistakes = tuple(mistakes)
        self.func_name = func_name or getattr(reference, "__name__", "your function")
        self.forbidden = frozenset(forbidden)
        self._expected: dict[int, object] = {}
        try:
            self._signature = _plain(inspect.signature(reference))
        except (TypeError, ValueError):
            self._signature = None
        self._params = list(self._signature.parameters) if self._signature else []

    def is_untouched(self, answer) -> bool:
        return super().is_untouched(answer) or uses_placeholder(answer)

    def _where(self, case: Case) -> str:
        if case.hidden:
            return "on a hidden test" + (f" ({case.label})" if case.label else "")
        names = self._params + [f"arg{i}" for i in range(len(self._params), len(case.args))]
        shown = [f"{n}={_show(a)}" for n, a in zip(names, case.args, strict=False)]
        shown += [f"{k}={_show(v)}" for k, v in case.kwargs.items()]
        return "for " + (f"{case.label} " if case.label else "") + f"({', '.join(shown)})"

    def _expected_for(self, i: int, case: Case):
        if i not in self._expected:
            self._expected[i] = self.reference(*copy.deepcopy(case.args),
                                               **copy.deepcopy(case.kwargs))
        return self._expected[i]

    def _compare(self, got, expected) -> str | None:
        if self.compare is not None:
            outcome = self.compare(got, expected)
            return None if outcome is None or outcome is True else (
                "that is not right" if outcome is False else str(outcome))
        return compare(got, expected, rtol=self.rtol, atol=self.atol)

    def _fill(self, message: str, where: str, got) -> str:
        return message.replace("{where}", where).replace("{got}", _show(got))

    def _check(self, answer) -> str | None:
        if not callable(answer):
            return (f"pass your function itself, e.g. {self._call()}.check({self.func_name}) "
                    f"without parentheses after {self.func_name}; got {_show(answer)} "
                    f"({type(answer).__name__})")
        dotted = f"{getattr(answer, '__module__', '')}.{getattr(answer, '__qualname__', '')}"
        if dotted in self.forbidden:
            return (f"you handed in the library function {dotted}: the point of this exercise "
                    f"is to write {self.func_name} yourself")
        reason = self._signature_problem(answer)
        if reason is not None:
            return reason
        for i, case in enumerate(self.cases):
            reason = self._run_case(answer, i, case)
            if reason is not None:
                return reason
        return None

    def _signature_problem(self, func) -> str | None:
        return signature_problem(func, self.func_name, self._signature,
                                 [(c.args, c.kwargs) for c in self.cases])

    def _run_case(self, func, i: int, case: Case) -> str | None:
        where = self._where(case)
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        expected = None if case.raises else self._expected_for(i, case)
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = func(*args, **kwargs)
        except Exception as exc:
            if case.raises and isinstance(exc, case.raises):
                return None
            wanted = f", but it should raise {case.raises.__name__}" if case.raises else ""
            return f"{where} your function raised {type(exc).__name__}: {exc}{wanted}"
        if case.raises:
            return self._fill(case.message, where, got) if case.message else (
                f"{where} your function returned {_show(got)}; it should raise "
                f"{case.raises.__name__}")
        for pos, (before, after) in enumerate(zip(case.args, args, strict=True)):
            if not _same(before, after):
                name = self._params[pos] if pos < len(self._params) else f"argument {pos + 1}"
                return f"your function changed its input `{name}` {where}: work on a copy instead"
        if got is None and expected is not None:
            return f"{where} your function returned None: did you forget the `return` statement?"
        reason = self._compare(got, expected)
        if reason is None:
            return None
        if reason in _GENERIC:  # right kind of result, wrong value: explain if we can
            for mistake in self.mistakes:
                if mistake.matches(got, *copy.deepcopy(case.args)):
                    return self._fill(mistake.message, where, got)
            if case.message:
                return self._fill(case.message, where, got)
            return f"your function gives a wrong result {where}"
        return f"your function gives a wrong result {where}: " + \
            reason.replace("your answer", "its result")

    def _reference_code(self) -> str:
        if self.solution_code:
            return self.solution_code
        try:
            return inspect.getsource(self.reference)
        except (OSError, TypeError):
            return f"{self.func_name} (source not available)"
