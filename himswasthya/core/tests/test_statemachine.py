"""core.statemachine: one declared table of transitions, one function that checks and applies them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import models

from himswasthya.core.errors import Conflict
from himswasthya.core.statemachine import InvalidTransition, StateMachine, Transition, choice_labels

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    OFF = "off", "Off"


FLOW = StateMachine(
    {
        "go": Transition(
            sources={Light.RED}, targets={Light.GREEN}, rule="Only red turns green; it is %(status)s."
        ),
        "slow": Transition(
            sources={Light.GREEN}, targets={Light.AMBER}, rule="Only green turns amber.", code="not_green"
        ),
        "stop": Transition(sources={Light.GREEN, Light.AMBER}, targets={Light.RED, Light.OFF}, rule="No."),
        "fail": Transition(sources={Light.RED, Light.GREEN}, targets={Light.OFF}, rule="No.", system=True),
    },
    status_label=choice_labels(Light),
)


def test_apply_sets_the_only_target_and_returns_the_previous_status():
    light = SimpleNamespace(status=Light.RED)
    assert FLOW.apply(light, "go") == Light.RED
    assert light.status == Light.GREEN


def test_apply_with_several_targets_needs_the_target_and_refuses_another():
    light = SimpleNamespace(status=Light.AMBER)
    with pytest.raises(ValueError, match="several targets"):
        FLOW.apply(light, "stop")
    with pytest.raises(ValueError, match="not among its targets"):
        FLOW.apply(light, "stop", to=Light.GREEN)
    assert light.status == Light.AMBER
    FLOW.apply(light, "stop", to=Light.OFF)
    assert light.status == Light.OFF


def test_a_refused_transition_is_a_conflict_naming_the_status_and_changes_nothing():
    light = SimpleNamespace(status=Light.AMBER)
    with pytest.raises(InvalidTransition) as caught:
        FLOW.apply(light, "go")
    assert isinstance(caught.value, Conflict)
    assert caught.value.status == 409
    assert caught.value.as_dict() == {
        "code": "invalid_transition",
        "message": "Only red turns green; it is Amber.",
        "field": "status",
    }
    assert light.status == Light.AMBER


def test_the_transition_chooses_its_code_and_a_message_without_status():
    with pytest.raises(InvalidTransition) as caught:
        FLOW.check("slow", Light.RED)
    assert (caught.value.code, str(caught.value.message)) == ("not_green", "Only green turns amber.")


def test_an_unknown_status_is_shown_as_it_is():
    with pytest.raises(InvalidTransition, match="it is blinking"):
        FLOW.check("go", "blinking")


def test_allowed_actions_leave_out_the_systems_unless_asked():
    assert FLOW.allowed_actions(Light.GREEN) == ["slow", "stop"]
    assert FLOW.allowed_actions(Light.GREEN, include_system=True) == ["slow", "stop", "fail"]
    assert FLOW.allowed_actions(Light.OFF) == []
    assert FLOW.may("stop", Light.AMBER) and not FLOW.may("stop", Light.RED)
    assert FLOW.sources("stop") == ["amber", "green"]


def test_an_app_may_word_the_refusal_itself():
    def explain(machine, action, status):
        allowed = ", ".join(machine.allowed_actions(status)) or "nothing"
        return f"Cannot {action} when {machine.status_label(status)}; allowed: {allowed}."

    worded = StateMachine(FLOW.transitions, status_label=choice_labels(Light), explain=explain)
    with pytest.raises(InvalidTransition, match=r"^Cannot go when Green; allowed: slow, stop\.$"):
        worded.check("go", Light.GREEN)


def test_a_transition_without_sources_or_targets_is_a_programming_error():
    with pytest.raises(ValueError):
        Transition(sources=(), targets={Light.RED}, rule="x")


def test_a_transition_without_a_rule_is_applied_only_by_the_system():
    machine = StateMachine(
        {"expire": Transition(sources={Light.GREEN}, targets={Light.OFF}, system=True)},
        status_label=choice_labels(Light),
    )
    assert machine.sources("expire") == ["green"]
    light = SimpleNamespace(status=Light.GREEN)
    machine.apply(light, "expire")
    assert light.status == Light.OFF
    with pytest.raises(ValueError, match="no rule"):
        machine.check("expire", Light.RED)
