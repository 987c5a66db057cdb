"""Question kinds (value, free check, thought) and the machinery every kind shares.

A question only judges: ``check(answer)`` returns a :class:`CheckResult` and records nothing.
Recording a notebook's progress (for ``ex.progress()`` and the grader) is the job of the
view that :func:`~vectorkit.exercises.bind_questions` puts in front of each question
(:class:`~vectorkit.exercises._checker.module.BoundQuestion`), as learntools separates a
Problem from its ProblemView.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vectorkit.exercises._checker import solutions as _solutions
from vectorkit.exercises._checker.compare import (
    Mismatch,
    Recognised,
    as_mismatch,
    compare,
    iterator_mismatch,
    one_shot,
    show,
)
from vectorkit.exercises._checker.display import CheckResult, Note
from vectorkit.exercises._checker.limits import CheckTimeout, call_with_limit
from vectorkit.exercises._checker.placeholder import ____, is_placeholder

_NOT_ATTEMPTED = "Replace `____` with your answer, then run this cell again."

#: The name the notebooks give an exercise module (``from vectorkit.exercises import nb01 as
#: ex``): messages name calls the learner can type, such as ``ex.q1.hint()``.
ALIAS = "ex"


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and the message that explains it.

    ``when(answer)`` (value questions) or ``when(result, *args)`` (function questions) returns
    True when the mistake is recognised; exceptions inside ``when`` count as False. In the
    message, ``{got}`` is replaced by the student's result and ``{where}`` by the test case.
    A message must be true of every answer ``when`` accepts, so decide from the data (the
    answer is the argmax of the scores...), never from how far the answer is from the right
    one when that would give the answer away ("one too high").
    """

    when: Callable[..., bool]
    message: str

    def matches(self, *args) -> bool:
        try:
            return bool(self.when(*args))
        except Exception:  # a predicate that cannot handle this answer does not apply
            return False


class Question:
    """Base class: prompt, graded hints, solution and ``check``.

    Subclasses implement ``_check(answer) -> Mismatch | str | None`` (``None`` means correct).
    ``time_limit`` (seconds, or None) bounds a whole check, learner's code included.
    """

    kind = "question"
    gradable = True
    time_limit: float | None = None

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

    # -- identity (set when the question is bound to its module) ----------------------------
    @property
    def id(self) -> str:
        """``"nb01.q2"`` once bound to a module, otherwise ``""``."""
        if self.module is None or self.name is None:
            return ""
        return f"{self.module.rsplit('.', 1)[-1]}.{self.name}"

    def _call(self) -> str:
        """How the learner reaches this question in a notebook: ``ex.q2``."""
        return f"{ALIAS}.{self.name}" if self.name else "q"

    # -- checking ---------------------------------------------------------------------------
    def is_untouched(self, answer) -> bool:
        """True for ``____``, ``...``, ``None`` and the question's ``untouched`` defaults."""
        if answer is None or is_placeholder(answer):
            return True
        for default in self.untouched:
            if type(answer) is type(default) and compare(answer, default, rtol=0, atol=0) is None:
                return True
        return False

    def _check(self, answer) -> Mismatch | str | None:
        raise NotImplementedError

    def check(self, answer=____) -> CheckResult:
        """Check ``answer``: correct, incorrect (with a reason) or not attempted.

        Nothing is recorded here: the notebook's bound question (``ex.q1``) records it.
        """
        if self.is_untouched(answer):
            return CheckResult("not attempted", _NOT_ATTEMPTED, self.id, kind="not attempted")
        if one_shot(answer):  # never read it: it may be endless
            return CheckResult("incorrect", _sentence(iterator_mismatch(answer)), self.id,
                               kind="iterator")
        try:
            reason = call_with_limit(self._check, (answer,), seconds=self.time_limit)
        except CheckTimeout:
            reason = Mismatch("explained", f"the check was stopped after {self.time_limit:g} s: "
                              "your code did not finish in time; look for a loop that never "
                              "ends or work that grows too fast")
            return CheckResult("incorrect", _sentence(reason), self.id, kind="timeout")
        except Exception as exc:  # a strange answer must not crash the student's notebook
            return CheckResult("incorrect", _sentence(
                f"your answer could not be checked ({type(exc).__name__}: {exc})"), self.id,
                kind="error")
        reason = as_mismatch(reason)
        if reason is None:
            return CheckResult("correct", "well done!", self.id, kind="correct")
        return CheckResult("incorrect", _sentence(reason), self.id, kind=reason.outcome)

    # -- help -------------------------------------------------------------------------------
    def hint(self, n: int = 1) -> Note:
        """Hint number ``n`` (1 is the gentlest; later hints say more)."""
        return self.hint_note(n, again=False)

    def hint_note(self, n, *, again: bool) -> Note:
        """Hint ``n`` as a :class:`Note`; past the last hint, a note pointing to the solution.

        ``again=True`` (the notebook's bound question) says that calling ``hint()`` again gives
        the next hint; otherwise the next hint is named by its number.
        """
        call, total = self._call(), len(self.hints)
        if not total:
            return Note("There are no hints for this question.",
                        f"{call}.solution() shows the answer if you are stuck.")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            return Note(f"Hints are numbered 1 to {total}:",
                        f"{call}.hint() gives the first one; got {n!r}.")
        if n > total:
            return Note("There are no more hints.",
                        f"This question has {total} hint{'s' if total > 1 else ''}; "
                        f"{call}.solution() shows the answer and explains it.")
        if n < total:
            more = (f" (run {call}.hint() again for the next one)" if again
                    else f" (next: {call}.hint({n + 1}))")
        else:
            more = f" (the last one; {call}.solution() shows the answer)"
        return Note(f"Hint {n} of {total}{more}:", self.hints[n - 1])

    def _reference_code(self) -> str:
        return self.solution_code

    def solution_text(self) -> str:
        """The reference code shown by ``solution()``.

        It comes from the question's marked solution in its solution notebook
        (``notebooks/solutions/``, collected by the generator into the package), so each
        solution is written once; ``solution_code`` or the reference is the fallback.
        """
        return _solutions.lookup(self.id) or self._reference_code()

    def solution(self) -> Note:
        """The reference answer, with an explanation."""
        return Note(f"Solution{' (' + self.id + ')' if self.id else ''}:", self.explanation,
                    self.solution_text())

    def __repr__(self) -> str:
        return f"{self.id or type(self).__name__} ({self.kind}): {self.prompt}"

    def _repr_html_(self) -> str:
        return Note(f"{self.id or 'Question'} ({self.kind}):", self.prompt)._repr_html_()


def _norm(x):
    return x.strip().casefold() if isinstance(x, str) else x


def _one_of(x, choices) -> bool:
    try:
        return any(bool(_norm(x) == _norm(c)) for c in choices)
    except (TypeError, ValueError):  # an answer that cannot be compared is none of them
        return False


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
        choices: the answers that make sense (e.g. the image names); a wrong answer is told
            whether it is one of them (named by ``choices_name``, e.g. "the names in
            `names`") without being told which is right.

    Example:
        >>> q = ValueQuestion("What is 1/3 to 3 decimals?", 1 / 3, atol=5e-4)
        >>> q.check(0.333).status, q.check(0.3).status
        ('correct', 'incorrect')
    """

    kind = "value"

    def __init__(self, prompt: str, answer, *, rtol: float = 1e-6, atol: float = 1e-9,
                 unordered: bool = False, case_sensitive: bool = False,
                 mistakes: Sequence[Mistake] = (), choices=None,
                 choices_name: str = "the allowed answers", **kwargs):
        super().__init__(prompt, **kwargs)
        if is_placeholder(answer):
            raise ValueError("`answer` must be the reference answer, got the placeholder ____")
        if choices is not None:
            choices = tuple(choices)
            if not _one_of(answer, choices):
                raise ValueError(f"`choices` must contain the answer {answer!r}")
        self.reference = answer
        self.choices, self.choices_name = choices, choices_name
        self.rtol, self.atol = rtol, atol
        self.unordered, self.case_sensitive = unordered, case_sensitive
        self.mistakes = tuple(mistakes)

    def _check(self, answer) -> Mismatch | None:
        reason = compare(answer, self.reference, rtol=self.rtol, atol=self.atol,
                         unordered=self.unordered, case_sensitive=self.case_sensitive)
        if reason is None:
            return None
        if not reason.wrong_value:
            return reason  # a wrong kind of answer: the reason says what is expected
        for mistake in self.mistakes:
            if mistake.matches(answer):
                return Recognised(mistake.message.replace("{got}", show(answer)))
        return self._choice_problem(answer) or reason

    def _choice_problem(self, answer) -> Mismatch | None:
        """Say whether ``answer`` is one of the allowed ``choices`` (never which is right)."""
        if self.choices is None:
            return None
        if not _one_of(answer, self.choices):
            return Mismatch("choice", f"{answer!r} is not one of {self.choices_name}: give one "
                            "of them, spelled as there")
        return Mismatch("value", f"{answer!r} is one of {self.choices_name}, but not the "
                        "right one")

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

    time_limit = 60.0

    def _check(self, answer) -> Mismatch | None:
        return as_mismatch(self.check_fn(answer))

    def _reference_code(self) -> str:
        return self.solution_code or f"{self.reference!r}"


class ThoughtQuestion(Question):
    """A question to think or write about: there is nothing to check, only a model answer.

    The model answer is the markdown cell tagged ``solution`` in the solution notebook (see
    :mod:`~vectorkit.exercises._checker.solutions`); ``solution=`` gives it for a question
    whose notebook has none.

    Example:
        >>> q = ThoughtQuestion("Why?", solution="Because.")
        >>> q.gradable, q.reference
        (False, 'Because.')
    """

    kind = "thought"
    gradable = False

    def __init__(self, prompt: str, *, solution: str = "", **kwargs):
        if not isinstance(solution, str):
            raise ValueError(f"`solution` must be a str, got {solution!r}")
        super().__init__(prompt, **kwargs)
        self._answer = solution.strip()

    @property
    def reference(self) -> str:
        """The model answer: the solution notebook's, else the one given as ``solution=``."""
        return _solutions.lookup(self.id) or self._answer

    def solution_text(self) -> str:
        return ""

    def solution(self) -> Note:
        """The model answer (and the explanation, if any)."""
        text = self.reference or "There is no model answer for this question."
        return Note(f"Model answer{' (' + self.id + ')' if self.id else ''}:",
                    text + (f"\n\n{self.explanation}" if self.explanation else ""))

    def check(self, answer=____) -> CheckResult:
        """Thought questions are not checked: say so, and point to the model answer."""
        return CheckResult("not attempted",
                           "This is a thought question with nothing to check: write your answer "
                           f"in words, then compare it with {self._call()}.solution().", self.id,
                           kind="thought")
