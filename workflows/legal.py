"""Legal track: proceedings in which the person takes part. Cooperation lives here only,
and this track never gates another (NC-2, NC-4)."""
from . import N_, T, Track

LEGAL = Track(
    name="legal",
    description=N_("Legal proceedings"),
    states=("not_involved", "involved", "concluded"),
    initial="not_involved",
    final=frozenset(),
    reads_cooperation=True,
    transitions=(
        T("open_proceedings", ("not_involved", "concluded"), "involved",
          label=N_("Proceedings opened"), owner="legal"),
        T("conclude", "involved", "concluded", reason_required=True,
          label=N_("Proceedings concluded")),
    ),
)
