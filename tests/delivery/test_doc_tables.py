"""Generated tables (`make generate`, tools/doc_tables.py) match the code they come from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rules

from tools import doc_tables


def test_make_generate_leaves_the_checkout_unchanged() -> None:
    assert doc_tables.main(["--check"]) == 0


def test_a_changed_rule_makes_the_readme_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    module = rules.RULE_MODULES[0]
    monkeypatch.setattr(module, "WHY", module.WHY + " (changed)")
    assert (
        doc_tables.render("policy/README.md") != (doc_tables.ROOT / "policy/README.md").read_text()
    )
    assert doc_tables.main(["--check"]) == 1


def test_a_new_module_makes_the_layout_stale(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "tools").mkdir()
    text = (doc_tables.ROOT / "docs/development.md").read_text()
    (tmp_path / "docs/development.md").write_text(text)
    monkeypatch.setattr(doc_tables, "ROOT", tmp_path)
    assert doc_tables.render("docs/development.md") != text
    (tmp_path / "tools/new.py").write_text('"""A new tool,\nwrapped.\n\nMore."""\n')
    assert "| `tools/new.py` | A new tool, wrapped. |" in doc_tables.render("docs/development.md")


def test_a_file_without_markers_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/development.md").write_text("# Development\n")
    monkeypatch.setattr(doc_tables, "ROOT", tmp_path)
    with pytest.raises(doc_tables.TableError, match="lacks the markers"):
        doc_tables.render("docs/development.md")


def test_a_rule_module_without_its_row_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delattr(rules.RULE_MODULES[-1], "WHY")
    assert doc_tables.main(["--check"]) == 2
    name = rules.RULE_MODULES[-1].__name__
    assert capsys.readouterr().err == f"error: policy/{name}.py lacks WHY (its README row)\n"


def test_every_rule_module_holds_its_readme_row() -> None:
    for module in rules.RULE_MODULES:
        name = module.POLICY.name
        assert module.__name__ == "rule_" + name.replace("-", "_")
        for field in (module.CATCHES, module.WHY, module.CHECKOV):
            assert isinstance(field, str), name
            assert field.strip(), name
            assert "|" not in field, name
        # The Checkov ids its description names are the ones its row names.
        described = set(re.findall(r"CKV2?_AWS_\d+", module.POLICY.description))
        assert described == set(re.findall(r"CKV2?_AWS_\d+", module.CHECKOV)), name


def test_the_prose_counts_the_mandatory_rules() -> None:
    """ "Checkov checks none of the six mandatory rules": the count follows the rule modules."""
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    count = list(rules.DEFAULT_LEVELS.values()).count("mandatory")
    for relative in ("policy/README.md", "docs/policy-pack.md"):
        text = " ".join((doc_tables.ROOT / relative).read_text().split())
        said = re.findall(r"\b(\w+) mandatory rules\b", text)
        assert said, relative
        assert {words.index(w) if w in words else -1 for w in said} == {count}, relative
