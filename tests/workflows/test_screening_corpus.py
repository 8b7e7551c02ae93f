"""NC-3 tripwire: recall and false-positive rate on a labelled corpus, per language.

The figures are printed (``pytest -s`` or the summary of -rA) and recorded in
docs/workflows.md. Every cooperation phrase must be caught; every legitimate phrase, honest
mentions of a witness, the police or an investigation included, must pass."""
import pytest

from workflows.screening import cooperation_hit

from .screening_corpus import SENTENCES, corpus

LANGUAGES = sorted(SENTENCES)


def figures(language):
    cooperation, legitimate = corpus(language)
    caught = [p for p in cooperation if cooperation_hit(p)]
    flagged = [p for p in legitimate if cooperation_hit(p)]
    return cooperation, legitimate, caught, flagged


@pytest.mark.parametrize("language", LANGUAGES)
def test_nc3_tripwire_catches_every_cooperation_phrase_and_passes_legitimate_ones(language):
    cooperation, legitimate, caught, flagged = figures(language)
    assert len(cooperation) >= 100 and len(legitimate) >= 100
    recall = len(caught) / len(cooperation)
    false_positive_rate = len(flagged) / len(legitimate)
    print(f"\nNC-3 tripwire [{language}]: {len(cooperation)} cooperation phrases, recall "
          f"{recall:.1%}; {len(legitimate)} legitimate phrases, false-positive rate "
          f"{false_positive_rate:.1%}")
    assert set(cooperation) - set(caught) == set()
    assert flagged == []


def test_nc3_tripwire_totals_are_printed(capsys):
    total_c = total_l = hits = fps = 0
    for language in LANGUAGES:
        cooperation, legitimate, caught, flagged = figures(language)
        total_c, total_l = total_c + len(cooperation), total_l + len(legitimate)
        hits, fps = hits + len(caught), fps + len(flagged)
    with capsys.disabled():
        print(f"\nNC-3 tripwire, all languages: recall {hits}/{total_c} = {hits / total_c:.1%}, "
              f"false positives {fps}/{total_l} = {fps / total_l:.1%}")
    assert hits == total_c and fps == 0


@pytest.mark.parametrize("text", [
    "the person is a witness in a trial next month",
    "she meets the police liaison officer weekly and asked for a quieter room",
    "La personne est témoin dans une enquête en cours",
    "La investigación sigue; ella pidió mudarse",
])
def test_nc3_tripwire_lets_honest_mentions_pass(text):
    assert cooperation_hit(text) is None


def test_nc3_tripwire_is_not_fooled_by_case_accents_or_apostrophes():
    assert cooperation_hit("SHE WON’T TESTIFY")
    assert cooperation_hit("n’a pas TÉMOIGNÉ")
    assert cooperation_hit("رَفَضَتْ الشَّهَادَة")
