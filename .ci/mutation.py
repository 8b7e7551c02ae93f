"""Mutation testing of the rule code: does a test fail when a rule is weakened?

Run with the interpreter of .venv-mutation (cosmic-ray lives there, not among the
production dependencies): `make mutation`, or `.venv-mutation/bin/python .ci/mutation.py -h`.

What it does (docs/mutation.md):
1. Lists every cosmic-ray mutant (operators `core/*`) of the modules in .ci/mutation.toml,
   leaving out changes to type annotations (never evaluated at run time), changes that are
   not valid Python (the `*` of keyword-only arguments read as a product) and the mutants
   recorded there as equivalent.
2. Draws a fixed sample with the seed: sites (a place an operator can change) in seeded
   order, one operator drawn per site, until `size` mutants are in.
3. For each sampled mutant writes it to disk, runs the tests mapped to its module with
   pytest -x on SQLite and puts the file back. Then runs the tests that killed mutants once
   on the unmutated code: a kill by a test that fails anyway proves nothing (exit 2).
4. Prints the survival rate and every survivor (file, line, operator, diff) and exits 1 when
   the survival rate is above `max_survival`.
"""
import argparse
import hashlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import tomllib
from collections import OrderedDict
from pathlib import Path

import cosmic_ray.plugins
from cosmic_ray.ast import ast_nodes, get_ast_from_path
from cosmic_ray.mutating import mutate_and_test, mutate_code
from cosmic_ray.work_item import MutationSpec, TestOutcome, WorkerOutcome

from pytest_ids import first_failure  # .ci/, beside this file

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".ci" / "mutation.toml"
PYTHON = ROOT / ".venv" / "bin" / "python"
# The mutants run on SQLite with no Redis, whatever the CI job exported for `make test`.
UNSET = ("DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL", "SCRATCH_DATABASE_ADMIN_URL",
         "REQUIRE_BROWSER")


def in_annotation(node):
    """True when the parso node is (inside) a type annotation: changing `str | None` there
    changes nothing the code does."""
    child, parent = node, node.parent
    while parent is not None:
        if parent.type == "param" and getattr(parent, "annotation", None) is child:
            return True
        if parent.type == "funcdef" and getattr(parent, "annotation", None) is child:
            return True
        if parent.type == "annassign" and len(parent.children) > 1 and parent.children[1] is child:
            return True
        child, parent = parent, parent.parent
    return False


def operators():
    for name in sorted(cosmic_ray.plugins.operator_names()):
        if not name.startswith("core/"):
            continue
        cls = cosmic_ray.plugins.get_operator(name)
        if cls.arguments():  # operators that need arguments are not configured here
            continue
        yield name, cls()


def all_mutants(paths):
    """Every mutant of the modules, as MutationSpecs, in a stable order."""
    ops = list(operators())
    mutants = []
    for path in paths:
        module_ast = get_ast_from_path(ROOT / path)
        nodes = list(ast_nodes(module_ast))
        for name, op in ops:
            occurrence = 0
            for node in nodes:
                for start, end in op.mutation_positions(node):
                    if not in_annotation(node):
                        mutants.append(MutationSpec(
                            module_path=path, operator_name=name, occurrence=occurrence,
                            start_pos=start, end_pos=end))
                    occurrence += 1
    return mutants


def changed_lines(original, mutated):
    """The first line the mutant changes, and what it becomes (both stripped)."""
    old, new = original.splitlines(), mutated.splitlines()
    for number, (a, b) in enumerate(zip(old, new), start=1):
        if a != b:
            return number, a.strip(), b.strip()
    number = min(len(old), len(new)) + 1
    return number, (old[number - 1].strip() if len(old) >= number else ""), (
        new[number - 1].strip() if len(new) >= number else "")


def is_equivalent(spec, line, mutated_line, equivalents):
    for entry in equivalents:
        if (entry["file"] == str(spec.module_path) and entry["operator"] == spec.operator_name
                and entry["line"] == line and entry.get("mutated", mutated_line) == mutated_line):
            return entry
    return None


def _rank(seed, *parts) -> str:
    """A site's or an operator's place in the draw: a keyed hash of what it is, so that its
    place does not depend on any other site (code added elsewhere never reshuffles it)."""
    return hashlib.sha256(repr((seed, *parts)).encode()).hexdigest()


def _site(key, lines):
    """A site by its file, the text of its line and its column within that text, not by its
    line number: lines added above it leave it where it is in the draw."""
    path, (line, col), _end = key
    text = lines[path][line - 1]
    return path, text.strip(), col - (len(text) - len(text.lstrip()))


def draw(mutants, size, seed, equivalents, sources):
    """Seeded sample: sites in the order of their keyed hash, one operator per site (the one
    whose keyed hash is least), skipping equivalents. A site keeps its rank whatever else
    changes, so a change to one module brings into the sample only its own new sites."""
    sites = OrderedDict()
    for spec in mutants:
        sites.setdefault((str(spec.module_path), tuple(spec.start_pos), tuple(spec.end_pos)),
                         []).append(spec)
    lines = {path: text.splitlines() for path, text in sources.items()}
    named = {key: _site(key, lines) for key in sites}
    keys = sorted(sites, key=lambda k: _rank(seed, *named[k]))
    chosen, skipped = [], []
    for key in keys:
        if size is not None and len(chosen) >= size:
            break
        site = named[key]
        candidates = sites[key] if size is None else [min(
            sites[key], key=lambda spec: _rank(seed, *site, spec.operator_name))]
        for spec in candidates:
            original = sources[str(spec.module_path)]
            operator = cosmic_ray.plugins.get_operator(spec.operator_name)()
            mutated = mutate_code(original, operator, spec.occurrence)
            if mutated is None or mutated == original:
                continue
            try:  # `*` of keyword-only arguments read as a product: not a program at all
                compile(mutated, str(spec.module_path), "exec")
            except SyntaxError:
                continue
            number, line, mutated_line = changed_lines(original, mutated)
            entry = is_equivalent(spec, line, mutated_line, equivalents)
            if entry:
                skipped.append((spec, number, entry["reason"]))
                continue
            chosen.append((spec, number, line, mutated_line))
    return chosen, skipped


def test_command(tests, pytest_args):
    return " ".join(shlex.quote(part) for part in
                    [str(PYTHON), "-m", "pytest", *pytest_args, *tests])


def git_changed(ref):
    names = subprocess.run(["git", "diff", "--name-only", ref, "--"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    return set(names)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, help="mutants to sample (default: the config's)")
    parser.add_argument("--seed", type=int, help="seed of the draw (default: the config's)")
    parser.add_argument("--all", action="store_true", help="every mutant, no sample")
    parser.add_argument("--changed", metavar="REF",
                        help="only the configured modules changed since REF (e.g. origin/main)")
    parser.add_argument("--files", nargs="+", metavar="PATH", help="only these configured modules")
    parser.add_argument("--list", action="store_true", help="print the sample and stop")
    parser.add_argument("--report", metavar="JSON", help="write every result to this file")
    parser.add_argument("--retest", metavar="JSON",
                        help="run again only the survivors of an earlier --report (after "
                             "writing tests to kill them)")
    args = parser.parse_args()

    config = tomllib.loads(CONFIG.read_text())
    modules = {entry["path"]: entry["tests"] for entry in config["module"]}
    equivalents = config.get("equivalent", [])
    for entry in equivalents:
        if not entry.get("reason"):
            sys.exit(f"mutation: equivalent mutant in {entry.get('file')} has no reason")
    paths = list(modules)
    if args.files:
        unknown = [p for p in args.files if p not in modules]
        if unknown:
            sys.exit(f"mutation: not configured in .ci/mutation.toml: {', '.join(unknown)}")
        paths = args.files
    if args.changed:
        changed = git_changed(args.changed)
        paths = [p for p in paths if p in changed]
        if not paths:
            print(f"mutation: no rule module changed since {args.changed}")
            return 0
    size = None if args.all else (args.size or config["sample"]["size"])
    seed = args.seed if args.seed is not None else config["sample"]["seed"]
    run = config["run"]

    started = time.monotonic()
    sources = {p: (ROOT / p).read_text(encoding="utf-8") for p in paths}
    mutants = all_mutants(paths)
    if args.retest:
        earlier = json.loads(Path(args.retest).read_text())["results"]
        wanted = {(r["file"], r["operator"], r["occurrence"]) for r in earlier
                  if r["outcome"] == "survived"}
        mutants = [m for m in mutants
                   if (str(m.module_path), m.operator_name, m.occurrence) in wanted]
        size = None
    chosen, skipped = draw(mutants, size, seed, equivalents, sources)
    print(f"mutation: {len(mutants)} mutants in {len(paths)} modules; "
          f"{'all' if size is None else 'sample of'} {len(chosen)} (seed {seed}); "
          f"{len(skipped)} drawn and left out as equivalent")
    for spec, number, reason in skipped:
        print(f"  equivalent {spec.module_path}:{number} {spec.operator_name}: "
              f"{' '.join(reason.split())}")
    if args.list:
        for spec, number, line, mutated_line in chosen:
            print(f"  {spec.module_path}:{number} {spec.operator_name}: "
                  f"{line!r} -> {mutated_line!r}")
        return 0

    for name in UNSET:
        os.environ.pop(name, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"

    # Whatever happens (Ctrl-C, CI's kill), the modules are put back as they were.
    def restore(*_):
        for path, text in sources.items():
            if (ROOT / path).read_text(encoding="utf-8") != text:
                (ROOT / path).write_text(text, encoding="utf-8")
        raise SystemExit(130)
    signal.signal(signal.SIGTERM, restore)
    signal.signal(signal.SIGINT, restore)

    results = []
    os.chdir(ROOT)
    for index, (spec, number, line, mutated_line) in enumerate(chosen, start=1):
        path = str(spec.module_path)
        command = test_command(modules[path], run["pytest_args"])
        began = time.monotonic()
        result = mutate_and_test([spec], command, run["timeout"])
        took = time.monotonic() - began
        if result.worker_outcome != WorkerOutcome.NORMAL:
            outcome = "error"
        elif result.test_outcome == TestOutcome.SURVIVED:
            outcome = "survived"
        elif result.output == "timeout":
            outcome = "timeout"
        else:
            outcome = "killed"
        by = first_failure(result.output or "") if outcome == "killed" else ""
        print(f"[{index:>3}/{len(chosen)}] {outcome:<8} {path}:{number} {spec.operator_name} "
              f"{took:.0f} s {by}", flush=True)
        results.append({"file": path, "line": number, "operator": spec.operator_name,
                        "occurrence": spec.occurrence, "original": line,
                        "mutated": mutated_line, "outcome": outcome, "killed_by": by,
                        "seconds": round(took, 1), "diff": result.diff or "",
                        "output": (result.output or "")[-2000:] if outcome == "error" else ""})
    for path, text in sources.items():  # mutate_and_test restores; make sure of it
        if (ROOT / path).read_text(encoding="utf-8") != text:
            (ROOT / path).write_text(text, encoding="utf-8")

    # A kill counts only when the test that failed passes on the unmutated code: one run of
    # those tests, instead of running every module's tests unmutated first.
    killers = sorted({r["killed_by"] for r in results if r["killed_by"]})
    if killers:
        command = test_command(killers, [a for a in run["pytest_args"] if a != "-x"])
        check = subprocess.run(shlex.split(command), cwd=ROOT, capture_output=True, text=True)
        if check.returncode != 0:
            print(check.stdout[-4000:], check.stderr[-2000:])
            print("mutation: tests that killed mutants fail on the unmutated code too; "
                  "those kills prove nothing")
            return 2
        print(f"mutation: the {len(killers)} tests that killed mutants pass unmutated")

    errors = [r for r in results if r["outcome"] == "error"]
    counted = [r for r in results if r["outcome"] != "error"]
    survivors = [r for r in counted if r["outcome"] == "survived"]
    rate = len(survivors) / len(counted) if counted else 0.0
    elapsed = time.monotonic() - started
    for r in survivors:
        print(f"\nSURVIVED {r['file']}:{r['line']} {r['operator']}")
        print(r["diff"].replace("--- mutation diff ---\n", ""))
    for r in errors:
        print(f"\nERROR (not counted) {r['file']}:{r['line']} {r['operator']}\n{r['output']}")
    print(f"\nmutation: {len(survivors)} of {len(counted)} sampled mutants survived "
          f"({rate:.1%}; limit {run['max_survival']:.0%}); {len(errors)} errors; "
          f"{elapsed / 60:.1f} min")
    if args.report:
        Path(args.report).write_text(json.dumps({
            "seed": seed, "size": size, "modules": paths, "survival": rate,
            "minutes": round(elapsed / 60, 1), "results": results}, indent=2))
    if errors and not counted:
        return 2
    return 1 if rate > run["max_survival"] else 0


if __name__ == "__main__":
    sys.exit(main())
