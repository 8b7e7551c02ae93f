"""What the mutation job reads from pytest's output: the test that failed, in a form that
runs it again.

pytest's summary line is ``FAILED <file>::<test>[<parameters>] - <message>``. A parameter id
may hold spaces or letters of any script (an NC-3 paraphrase in Arabic, say), which pytest
prints escaped and then does not find again by that id. The re-check therefore names the
test without its parameters: every case of a parametrised test runs, the one that failed
among them. A line without ``::`` (a module that does not import) names its file.
"""
import re

_FAILED = re.compile(r"^(?:FAILED|ERROR) ([^\s\[]+)", re.MULTILINE)


def first_failure(output: str) -> str:
    """The first failed test of a pytest run, as a node id pytest accepts again ('' if none)."""
    found = _FAILED.search(output)
    return found.group(1) if found else ""
