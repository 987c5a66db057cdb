"""Function questions: the student writes a function, the checker runs it on test cases.

Visible cases are described with their inputs; hidden cases only by a label, so a student
cannot fit the tests. Expected results come from the reference function, and failures are
explained (with :class:`~vectorkit.exercises.Mistake` messages when a typical error is
recognised) without ever revealing the expected result.
"""

from __future__ import annotations

import copy
import inspect
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from vectorkit.exercises._checker.compare import (
    Forbidden,
    Mismatch,
    Recognised,
    TimedOut,
    as_mismatch,
    compare,
    iterator_mismatch,
    one_shot,
)
from vectorkit.exercises._checker.compare import (
    show as _show,
)
from vectorkit.exercises._checker.core import Mistake, Question
from vectorkit.exercises._checker.forbidden import ForbiddenCall, forbid, resolve
from vectorkit.exercises._checker.limits import DEFAULT_SECONDS, CheckTimeout, call_with_limit
from vectorkit.exercises._checker.placeholder import uses_placeholder


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
        forbidden: dotted names of library functions (or classes) the learner must not hand
            in nor call (e.g. ``"vectorkit.similarity.cosine_similarity"`` when the task is to
            write it): while the learner's function runs they are replaced by stand-ins that
            raise, and the message names the one that was called.
        time_limit: seconds one call of the learner's function may take (``None``: no
            limit); a function that takes longer is stopped and the check says so.

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
                 forbidden: Sequence[str] = (), time_limit: float | None = DEFAULT_SECONDS,
                 **kwargs):
        super().__init__(prompt, **kwargs)
        if time_limit is not None and not (isinstance(time_limit, (int, float))
                                           and time_limit > 0):
            raise ValueError(f"`time_limit` must be a positive number of seconds or None, "
                             f"got {time_limit!r}")
        self.call_limit = time_limit
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
        self.forbidden = tuple(forbidden)
        for dotted in self.forbidden:
            resolve(dotted)  # fail early on a misspelt name
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

    def _compare(self, got, expected) -> Mismatch | None:
        if one_shot(got) and not one_shot(expected):
            return iterator_mismatch(got)  # never read it: it may be endless
        if self.compare is not None:
            return as_mismatch(self.compare(got, expected))
        return compare(got, expected, rtol=self.rtol, atol=self.atol)

    def _fill(self, message: str, where: str, got) -> str:
        return message.replace("{where}", where).replace("{got}", _show(got))

    def _check(self, answer) -> Mismatch | None:
        if not callable(answer):
            return Mismatch("type", f"pass your function itself, e.g. "
                            f"{self._call()}.check({self.func_name}) without parentheses after "
                            f"{self.func_name}; got {_show(answer)} ({type(answer).__name__})")
        handed_in = self._handed_in(answer)
        if handed_in is not None:
            return Forbidden(f"you handed in the library function {handed_in}: the point of "
                             f"this exercise is to write {self.func_name} yourself")
        reason = self._signature_problem(answer)
        if reason is not None:
            return Mismatch("type", reason)
        for i, case in enumerate(self.cases):
            reason = self._run_case(answer, i, case)
            if reason is not None:
                return reason
        return None

    def _handed_in(self, answer) -> str | None:
        from vectorkit.exercises._checker.forbidden import public_name

        named = f"{getattr(answer, '__module__', '')}.{getattr(answer, '__qualname__', '')}"
        for dotted in self.forbidden:
            obj, _ = resolve(dotted)
            # the object itself, a partial of it, or (for the grader, which sees only a
            # stand-in carrying the learner's function's names) its dotted name
            if answer is obj or getattr(answer, "func", None) is obj or named == dotted:
                return public_name(obj, dotted)
        return None

    def _call_learner(self, func, args, kwargs, where):
        """Run the learner's function: forbidden functions replaced, under the time limit.

        Returns ``(result, None)`` or ``(None, reason)``; the learner's own exceptions pass.
        """
        with forbid(self.forbidden, func) as calls:
            try:
                got = call_with_limit(func, args, kwargs, self.call_limit)
            except ForbiddenCall:
                got = None
            except CheckTimeout:
                return None, TimedOut(f"{where} your function did not return within "
                                      f"{self.call_limit:g} s, so the check stopped it: look for "
                                      "a loop that never ends (a `while` whose condition stays "
                                      "true) or work that grows much faster than the input")
        if calls:
            return None, Forbidden(f"{where} your function calls {calls[0]}: the point of this "
                                   f"exercise is to write {self.func_name} yourself, without "
                                   f"{calls[0]}")
        return got, None

    def _signature_problem(self, func) -> str | None:
        return signature_problem(func, self.func_name, self._signature,
                                 [(c.args, c.kwargs) for c in self.cases])

    def _run_case(self, func, i: int, case: Case) -> Mismatch | None:
        where = self._where(case)
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        expected = None if case.raises else self._expected_for(i, case)
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got, problem = self._call_learner(func, args, kwargs, where)
        except Exception as exc:
            if case.raises and isinstance(exc, case.raises):
                return None
            wanted = f", but it should raise {case.raises.__name__}" if case.raises else ""
            return Mismatch("explained", f"{where} your function raised "
                            f"{type(exc).__name__}: {exc}{wanted}")
        if problem is not None:
            return problem
        if case.raises:
            if case.message:
                return Recognised(self._fill(case.message, where, got))
            return Mismatch("explained", f"{where} your function returned {_show(got)}; it "
                            f"should raise {case.raises.__name__}")
        for pos, (before, after) in enumerate(zip(case.args, args, strict=True)):
            if not _same(before, after):
                name = self._params[pos] if pos < len(self._params) else f"argument {pos + 1}"
                return Mismatch("explained", f"your function changed its input `{name}` "
                                f"{where}: work on a copy instead")
        if got is None and expected is not None:
            return Mismatch("type", f"{where} your function returned None: did you forget the "
                            "`return` statement?")
        reason = self._compare(got, expected)
        if reason is None:
            return None
        if reason.wrong_value:  # right kind of result, wrong value: explain if we can
            for mistake in self.mistakes:
                if mistake.matches(got, *copy.deepcopy(case.args)):
                    return Recognised(self._fill(mistake.message, where, got))
            if case.message:
                return Recognised(self._fill(case.message, where, got))
            return reason.with_text(f"your function gives a wrong result {where}")
        return reason.with_text(f"your function gives a wrong result {where}: "
                                + reason.replace("your answer", "its result"))

    def _reference_code(self) -> str:
        if self.solution_code:
            return self.solution_code
        try:
            return inspect.getsource(self.reference)
        except (OSError, TypeError):
            return f"{self.func_name} (source not available)"
