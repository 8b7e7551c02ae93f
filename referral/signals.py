"""Signals other areas subscribe to without importing each other's internals.

Receivers run synchronously inside the sender's transaction, so what they write commits or
rolls back with the change that caused it.
"""
from blinker import Namespace

_signals = Namespace()

#: sender=case; kwargs: track, transition (workflows.T), from_state, actor, history
transition_applied = _signals.signal("transition-applied")
#: sender=case; kwargs: decision, actor
decision_recorded = _signals.signal("decision-recorded")
#: sender=case; kwargs: actor
case_opened = _signals.signal("case-opened")
