"""The state-machine helper: one declared table of allowed transitions per model, one function to apply them.

Modelled on the HIMCARE case `TRANSITIONS` table. A model with a status declares

    FLOW = StateMachine(
        {"complete": Transition(sources={S.CALLED}, targets={S.COMPLETED}, rule=ONLY_CALLED)},
        status_label=lambda status: S(status).label,
    )

(ONLY_CALLED: a translated sentence such as "Only a called patient can be seen; this one is %(status)s.")
and its services call `FLOW.apply(obj, "complete")` (checks, sets `obj.status`, returns the previous status)
or `FLOW.check("complete", status)`. A refused transition raises `InvalidTransition` (a `Conflict`, HTTP 409)
whose message is the transition's `rule` with `%(status)s` filled in by the current status's label, so each
app keeps its own wording (and translations). For a conditional UPDATE (no row lock), filter on
`FLOW.sources("complete")`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from himswasthya.core.errors import Conflict


class InvalidTransition(Conflict):
    code = "invalid_transition"


@dataclass(frozen=True, init=False)
class Transition:
    """What may happen: from which statuses (`sources`) to which (`targets`), and the sentence that explains
    the rule when it is refused (`rule`, may use %(status)s). `code` and `field` go into the error. A
    transition the system applies only by a conditional UPDATE on `sources()` may leave `rule` out."""

    sources: frozenset[str]
    targets: frozenset[str]
    rule: Any
    label: Any  # what the action is called, for "allowed now: ..."
    code: str
    field: str | None
    system: bool  # done by the system (e.g. escalation), never offered to a person

    def __init__(
        self,
        *,
        sources: Iterable[str],
        targets: Iterable[str],
        rule: Any = None,
        label: Any = "",
        code: str = InvalidTransition.code,
        field: str | None = "status",
        system: bool = False,
    ):
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "targets", frozenset(targets))
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "system", system)
        if not self.sources or not self.targets:
            raise ValueError("A transition needs at least one source and one target status.")


#: (machine, action, current status) -> the refusal message, for apps whose wording lists what is allowed now.
Explain = Callable[["StateMachine", str, str], Any]


class StateMachine:
    def __init__(
        self,
        transitions: Mapping[str, Transition],
        *,
        status_label: Callable[[str], Any],
        explain: Explain | None = None,
    ):
        self.transitions = dict(transitions)
        self.status_label = status_label
        self.explain = explain

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def items(self):
        return self.transitions.items()

    def allowed_actions(self, status: str, *, include_system: bool = False) -> list[str]:
        """The actions allowed in `status`, in declaration order (the system's only when asked)."""
        return [
            name
            for name, t in self.transitions.items()
            if status in t.sources and (include_system or not t.system)
        ]

    def may(self, action: str, status: str) -> bool:
        return status in self.transitions[action].sources

    def sources(self, action: str) -> list[str]:
        """The statuses `action` may start from (sorted), for `filter(status__in=...)` in an UPDATE."""
        return sorted(self.transitions[action].sources)

    def refusal(self, action: str, status: str) -> InvalidTransition:
        """The error for `action` refused in `status`."""
        transition = self.transitions[action]
        if transition.rule is None:
            raise ValueError(f"{action!r} has no rule to refuse with: apply it by a conditional UPDATE only.")
        if self.explain is not None:
            message = self.explain(self, action, status)
        elif "%(status)s" in str(transition.rule):
            message = transition.rule % {"status": self.status_label(status)}
        else:
            message = transition.rule
        return InvalidTransition(message, field=transition.field, code=transition.code)

    def check(self, action: str, status: str) -> Transition:
        """The transition, if `action` is allowed in `status`; otherwise raise its `InvalidTransition`."""
        transition = self.transitions[action]
        if status not in transition.sources:
            raise self.refusal(action, status)
        return transition

    def apply(self, obj: Any, action: str, to: str | None = None) -> str:
        """Check `action` against `obj`'s status and set the new status (`to`, or the only target).
        Returns the previous status; saving is the caller's (with its other fields, in its transaction)."""
        previous = obj.status
        transition = self.check(action, previous)
        if to is None:
            if len(transition.targets) != 1:
                raise ValueError(f"{action!r} has several targets: say which.")
            (to,) = transition.targets
        elif to not in transition.targets:
            raise ValueError(f"{action!r} cannot lead to {to!r}: not among its targets.")
        obj.status = to
        return previous


def choice_labels(choices: Any) -> Callable[[str], Any]:
    """`status_label` for a TextChoices status: its label, as `get_<field>_display()` shows it."""
    labels = dict(choices.choices)
    return lambda status: labels.get(status, status)
