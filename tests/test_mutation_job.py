"""The mutation job (docs/mutation.md) re-runs each test that killed a mutant on the
unmutated code. It must find that test again whatever its parameters are called: an NC-3
paraphrase in Arabic or a sentence with spaces, as the adverse-step tests use."""
import importlib.util
import os
import subprocess
import sys

from referral import ROOT


def _pytest_ids():
    spec = importlib.util.spec_from_file_location("pytest_ids", ROOT / ".ci" / "pytest_ids.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pytest(*args, cwd, env=None):
    # as the mutation job runs them: no plugins loaded by entry point
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider",
                           *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **(env or {})})


def test_a_killing_test_with_spaces_and_arabic_in_its_id_is_found_again(tmp_path):
    (tmp_path / "test_paraphrases.py").write_text(
        "import os\n"
        "import pytest\n\n\n"
        "@pytest.mark.parametrize('sentence', [\n"
        "    'stay until she agrees to speak to the police',\n"
        "    'تبقى حتى توافق على التحدث إلى الشرطة',\n"
        "])\n"
        "def test_refused(sentence):\n"
        "    assert os.environ.get('MUTANT') != 'on' or 'police' in sentence\n",
        encoding="utf-8")
    mutated = _pytest("-x", "test_paraphrases.py", cwd=tmp_path, env={"MUTANT": "on"})
    assert mutated.returncode == 1, mutated.stdout
    killer = _pytest_ids().first_failure(mutated.stdout)
    assert killer == "test_paraphrases.py::test_refused", mutated.stdout

    # pytest finds it again: it fails where the mutant is, and passes on the unmutated code
    # (exit 4 or 5 would mean the id named nothing, and the job would stop).
    assert _pytest(killer, cwd=tmp_path, env={"MUTANT": "on"}).returncode == 1
    unmutated = _pytest(killer, cwd=tmp_path, env={"MUTANT": "off"})
    assert unmutated.returncode == 0, unmutated.stdout
    assert "2 passed" in unmutated.stdout


def test_a_module_that_does_not_import_is_named_by_its_file():
    output = "ERROR tests/cases/test_x.py - SyntaxError: invalid syntax\n"
    assert _pytest_ids().first_failure(output) == "tests/cases/test_x.py"
    assert _pytest_ids().first_failure("1 passed in 0.1s\n") == ""
