"""Question kinds (value, free check, thought) and the machinery every kind shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vectorkit.exercises._checker import registry as _registry
from vectorkit.exercises._checker.compare import compare
from vectorkit.exercises._checker.display import CheckResult, Note
from vectorkit.exercises._checker.placeholder import ____, is_placeholder

_NOT_ATTEMPTED = "Replace `____` with your answer, then run this cell again."


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and the message that explains it.

    ``when(answer)`` (value questions) or ``when(result, *args)`` (function questions) returns
    True when the mistake is recognised; exceptions inside ``when`` count as False. In the
    message, ``{got}`` is replaced by the student's result and ``{where}`` by the test case.
    """

    when: Callable[..., bool]
    message: str

    def matches(self, *args) -> bool:
        try:
            return bool(self.when(*args))
        except Exception:  # a predicate that cannot handle this answer does not apply
            return False


class Question:
    """Base class: prompt, graded hints, solution, and ``check`` bookkeeping.

    Subclasses implement ``_check(answer) -> str | None`` (``None`` means correct).
    """

    kind = "question"
    gradable = True

    def __init__(self, prompt: str, *, hints: Sequence[str] = (), solution_code: str = "",
                 explanation: str = "", untouched: Sequence = ()):
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValueError(f"`prompt` must be a non-empty str, got {prompt!r}")
        if isinstance(hints, str) or not all(isinstance(h, str) and h for h in hints):
            raise ValueError(f"`hints` must be a list of non-empty str, got {hints!r}")
        self.prompt = prompt.strip()
        self.hints = tuple(hints)
        self.solution_code = solution_code.strip("\n")
        self.explanation = explanation.strip()
        self.untouched = tuple(untouched)
        self.module: str | None = None
        self.name: str | None = None

    # -- identity ---------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """``"nb01.q2"`` once bound to a module, otherwise ``""``."""
        if self.module is None or self.name is None:
            return ""
        return f"{self.module.rsplit('.', 1)[-1]}.{self.name}"

    def _call(self) -> str:
        return self.name or "q"

    # -- checking ---------------------------------------------------------------------------
    def is_untouched(self, answer) -> bool:
        """True for ``____``, ``...``, ``None`` and the question's ``untouched`` defaults."""
        if answer is None or is_placeholder(answer):
            return True
        for default in self.untouched:
            if type(answer) is type(default) and compare(answer, default, rtol=0, atol=0) is None:
                return True
        return False

    def _check(self, answer) -> str | None:
        raise NotImplementedError

    def check(self, answer=____) -> CheckResult:
        """Check ``answer``: correct, incorrect (with a reason) or not attempted."""
        if self.is_untouched(answer):
            result = CheckResult("not attempted", _NOT_ATTEMPTED, self.id)
        else:
            try:
                reason = self._check(answer)
            except Exception as exc:  # a strange answer must not crash the student's notebook
                reason = f"your answer could not be checked ({type(exc).__name__}: {exc})"
            result = (CheckResult("correct", "well done!", self.id) if reason is None
                      else CheckResult("incorrect", _sentence(reason), self.id))
        if self.gradable:
            _registry.record(self.module, self.name, result.status, result.message)
        return result

    # -- help -------------------------------------------------------------------------------
    def hint(self, n: int = 1) -> Note:
        """Hint number ``n`` (1 is the gentlest; later hints say more)."""
        if not self.hints:
            return Note("There are no hints for this question.",
                        f"Try {self._call()}.solution() if you are stuck.")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(self.hints):
            raise ValueError(
                f"`n` must be an int from 1 to {len(self.hints)} (this question has "
                f"{len(self.hints)} hints), got {n!r}")
        _registry.record_event(self.module, self.name, f"hint {n}")
        more = f" (next: {self._call()}.hint({n + 1}))" if n < len(self.hints) else ""
        return Note(f"Hint {n} of {len(self.hints)}{more}:", self.hints[n - 1])

    def _reference_code(self) -> str:
        return self.solution_code

    def solution(self) -> Note:
        """The reference answer, with an explanation."""
        _registry.record_event(self.module, self.name, "solution")
        return Note(f"Solution{' (' + self.id + ')' if self.id else ''}:", self.explanation,
                    self._reference_code())

    def __repr__(self) -> str:
        return f"{self.id or type(self).__name__} ({self.kind}): {self.prompt}"

    def _repr_html_(self) -> str:
        return Note(f"{self.id or 'Question'} ({self.kind}):", self.prompt)._repr_html_()


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


class ValueQuestion(Question):
    """A question whose answer is a value: a number, an array, a string or a set.

    Args:
        prompt: the question text.
        answer: the reference answer.
        rtol, atol: tolerances for numbers and arrays.
        unordered: compare lists as sets (order does not matter); sets always are.
        case_sensitive: compare text exactly (default: ignore case and outer spaces).
        mistakes: :class:`Mistake` instances recognising typical wrong answers.

    Example:
        >>> q = ValueQuestion("What is 1/3 to 3 decimals?", 1 / 3, atol=5e-4)
        >>> q.check(0.333).status, q.check(0.3).status
        ('correct', 'incorrect')
    """

    kind = "value"

    def __init__(self, prompt: str, answer, *, rtol: float = 1e-6, atol: float = 1e-9,
                 unordered: bool = False, case_sensitive: bool = False,
                 mistakes: Sequence[Mistake] = (), **kwargs):
        super().__init__(prompt, **kwargs)
        if is_placeholder(answer):
            raise ValueError("`answer` must be the reference answer, got the placeholder ____")
        self.reference = answer
        self.rtol, self.atol = rtol, atol
        self.unordered, self.case_sensitive = unordered, case_sensitive
        self.mistakes = tuple(mistakes)

    def _check(self, answer) -> str | None:
        reason = compare(answer, self.reference, rtol=self.rtol, atol=self.atol,
                         unordered=self.unordered, case_sensitive=self.case_sensitive)
        if reason is None or not reason.startswith("that is not"):
            return reason  # correct, or a wrong kind of answer (explained by the reason)
        for mistake in self.mistakes:
            if mistake.matches(answer):
                return mistake.message.replace("{got}", repr(answer))
        return reason

    def _reference_code(self) -> str:
        return self.solution_code or f"{self.reference!r}"


class FreeCheckQuestion(Question):
    """A question checked by a custom function.

    ``check_fn(answer)`` returns ``True`` or ``None`` when the answer is right, ``False`` or a
    message (str) when it is wrong. ``reference`` is an answer that passes (used by
    ``solution()`` when there is no ``solution_code``, and by the tests).

    Example:
        >>> q = FreeCheckQuestion("Give an even number.", lambda x: x % 2 == 0, reference=2)
        >>> q.check(4).status, q.check(3).status
        ('correct', 'incorrect')
    """

    kind = "free"

    def __init__(self, prompt: str, check_fn: Callable, *, reference, **kwargs):
        super().__init__(prompt, **kwargs)
        if not callable(check_fn):
            raise ValueError(f"`check_fn` must be callable, got {type(check_fn).__name__}")
        self.check_fn = check_fn
        self.reference = reference

    def _check(self, answer) -> str | None:
        outcome = self.check_fn(answer)
        if outcome is None or outcome is True:
            return None
        if outcome is False:
            return "that is not right"
        return str(outcome)

    def _reference_code(self) -> str:
        return self.solution_code or f"{self.reference!r}"


class ThoughtQuestion(Question):
    """A question to think or write about: there is nothing to check, only a model answer.

    Example:
        >>> q = ThoughtQuestion("Why?", solution="Because.")
        >>> q.gradable
        False
    """

    kind = "thought"
    gradable = False

    def __init__(self, prompt: str, *, solution: str, **kwargs):
        if not isinstance(solution, str) or not solution.strip():
            raise ValueError(f"`solution` must be a non-empty str, got {solution!r}")
        kwargs.setdefault("explanation", solution)
        super().__init__(prompt, **kwargs)
        self.reference = solution.strip()

    def check(self, answer=____) -> CheckResult:
        """Thought questions are not checked: say so, and point to the model answer."""
        return CheckResult("not attempted",
                           "This is a thought question with nothing to check: write your answer "
                           f"in words, then compare it with {self._call()}.solution().", self.id)
