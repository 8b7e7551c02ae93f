"""The transition tables themselves: reachability, exits, and what guards may read."""
import pytest

import workflows
from workflows import COOPERATION_FACTS, FactNotDeclared, FactView, jurisdictions

TRACKS = workflows.tracks()

# ID-2, ID-4, ID-7: identification and assistance never depend on these.
FORBIDDEN_FACTS = {
    "ID-2": {"has_documents", "holds_documents", "wants_to_return", "wants_to_go_home",
             "police_involved", "self_identified", "calls_self_victim"} | COOPERATION_FACTS,
    "ID-4": {"sex", "gender", "nationality", "ethnicity", "religion"},
    "ID-7": {"crossed_border", "border_crossing", "was_confined", "confinement"},
}


def reachable(track):
    seen, frontier = {track.initial}, [track.initial]
    while frontier:
        state = frontier.pop()
        for t in track.transitions:
            if state in t.src and t.dst not in seen:
                seen.add(t.dst)
                frontier.append(t.dst)
    return seen


@pytest.mark.parametrize("name", TRACKS)
def test_every_state_is_reachable(name):
    track = TRACKS[name]
    assert reachable(track) == set(track.states)


@pytest.mark.parametrize("name", TRACKS)
def test_every_non_final_state_has_an_exit(name):
    track = TRACKS[name]
    for state in set(track.states) - track.final:
        assert any(state in t.src for t in track.transitions), f"{name}:{state} is a dead end"


@pytest.mark.parametrize("name", TRACKS)
def test_every_transition_names_real_states(name):
    track = TRACKS[name]
    for t in track.transitions:
        assert set(t.src) <= set(track.states) and t.dst in track.states


@pytest.mark.parametrize("rule", FORBIDDEN_FACTS)
def test_ID2_ID4_ID7_no_guard_reads_a_forbidden_ground(rule):
    for name, track in TRACKS.items():
        if track.reads_cooperation and rule == "ID-2":
            continue  # cooperation is the legal track's own subject
        for g in track.guards():
            assert not g.reads & FORBIDDEN_FACTS[rule], f"{name}.{g.name} reads {g.reads}"


def test_NC2_no_guard_outside_the_legal_track_reads_cooperation():
    for name, track in TRACKS.items():
        if name == "legal":
            continue
        assert not track.reads_cooperation
        for g in track.guards():
            assert not g.reads & COOPERATION_FACTS, f"{name}.{g.name}"


def test_a_guard_cannot_read_an_undeclared_fact():
    view = FactView({"is_child": True, "cooperation": "refused"}, frozenset({"is_child"}))
    assert view["is_child"] is True
    with pytest.raises(FactNotDeclared):
        view["cooperation"]


def test_SH1_leaving_a_shelter_has_no_precondition():
    leave = TRACKS["shelter"].find("leave", "staying")
    assert leave is not None and leave.guards == () and not leave.reason_required


def test_RP1_every_shipped_jurisdiction_respects_the_30_day_floor():
    for j in jurisdictions.REGISTRY.values():
        assert j.reflection_min_days >= 30
        assert j.rule_version.startswith(j.code + "@")


def test_working_days_skip_weekends():
    from datetime import datetime, timezone
    friday = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
    assert jurisdictions.add_days(friday, 5, working_days=True).day == 27
    assert jurisdictions.add_days(friday, 5).day == 25


def test_every_event_has_one_owner_and_the_generic_endpoint_refuses_the_others(
        client, caseworker, a_case, cw_headers):
    """A step whose area keeps its own records (a stay, a proceeding, a return request) is
    taken by that area; the generic transitions endpoint refuses it, naming where it is
    taken, so the track and the area's records can never disagree."""
    for name, track in workflows.tracks().items():
        for event in track.events():
            owners = {t.owner for t in track.candidates(event)}
            assert len(owners) == 1 and owners <= set(workflows.OWNERS), (name, event)
            if owners == {"case"}:
                continue
            response = client.post(f"/api/v1/cases/{a_case.id}/transitions",
                                   headers=cw_headers,
                                   json={"track": name, "event": event, "version":
                                         a_case.version, "reason": "a reason",
                                         "facts": {"person_view": "a view"}})
            assert response.status_code == 409, (name, event)
            assert "WF-OWNER" in response.json["errors"], (name, event)


REASONED = [(name, t) for name, track in TRACKS.items() for t in track.transitions
            if t.reason_required]


@pytest.mark.parametrize("name,t", REASONED,
                         ids=[f"{name}.{t.event}.{t.src[0]}" for name, t in REASONED])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_ID6_a_step_that_needs_a_reason_is_refused_without_one(name, t, reason):
    """The reason is checked before any guard: an adverse step without one is refused by
    ID-6, any other step by WF-REASON."""
    _, refusal = workflows.evaluate(TRACKS[name], t.src[0], t.event, {}, reason)
    assert refusal == workflows.Refusal("ID-6" if t.adverse else "WF-REASON",
                                        "a reason is required for this step")


def test_ID6_the_adverse_steps_are_those_the_rule_names():
    """Ending a service, refusing, closing on a negative decision, ending a stay (ID-6)."""
    adverse = {(name, t.event) for name, track in TRACKS.items() for t in track.transitions
               if t.adverse and t.reason_required}
    assert {("assistance", "decline"), ("assistance", "suspend"), ("assistance", "end"),
            ("shelter", "end_stay"), ("nrm", "close"), ("nrm", "refer_on"),
            ("return", "refuse")} <= adverse
