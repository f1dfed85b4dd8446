"""Stack files read by the project's reader (tools.stackfiles) and by `pulumi config --json`.

Every scalar case of tests/stackcheck/test_stackfiles.py plus generated ones goes into one stack
file three times (a key's value, a map's field, a list's item), so one CLI call reads them all.
The readers must agree on every key, or the difference is in DIFFERENCES with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import PROJECT_DIR, PulumiCli, project_copy
from tests.stackcheck.test_stackfiles import RESOLVED, YAML_11_BOOLEANS
from tools import goyaml, stackfiles

pytestmark = pytest.mark.slow

#: Scalars written after `key: `, beyond test_stackfiles' RESOLVED: YAML 1.1 against 1.2, quoting,
#: comments, numbers past int64 and float64, dates, nulls and empties.
GENERATED = [
    *YAML_11_BOOLEANS,
    "0o17",
    "012",
    "030",
    "1.50",
    "29_000",
    "0x_1F",
    "+0x10",
    "1e3",
    "1E3",
    "-1.5e-3",
    "6.02e+23",
    ".NaN",
    "+.inf",
    "12345678901234567890123",
    "-9223372036854775808",
    "-9223372036854775809",
    "0.1e400",
    "2024-02-30",
    "2001-12-14 21:59:43.10 -5",
    "2024-01-02T10:00:00+01:00",
    "''",
    '""',
    "'OFF'",
    '"010"',
    "'it''s'",
    '"tab\\there"',
    '"\\u00e9"',
    "!!str true",
    "!!str 010",
    "plain # a comment",
    "'quoted' # a comment",
    "a b  c",
    "arn:aws:iam::123456789012:role/x",
    "http://example.com/a?b=c&d=<e>",
    "x: y".replace(": ", ":"),
    "[]",
    "{}",
    "[1, [2, {a: on}]]",
    "{nested: {deep: [yes, 1_0, ~]}}",
]
CASES = list(dict.fromkeys([*RESOLVED, *GENERATED]))

#: Cases the CLI refuses in any position: Go's encoding/json cannot write NaN or an infinity, and
#: the CLI writes every value as JSON as it reads the file. test_refusals has them.
NOT_JSON = {
    t for t in CASES if goyaml.resolve_tag(t) == "float" and t.lower().endswith(("inf", "nan"))
}


#: Where the two readers differ: (key pattern, reason). Empty while they agree on every case.
DIFFERENCES: dict[str, str] = {}


def stack_text(cases: list[str]) -> str:
    """The dev stack plus each case as a value, a map field and a list item (with comments)."""
    lines = [(PROJECT_DIR / "Pulumi.dev.yaml").read_text().rstrip("\n")]
    for number, text in enumerate(cases):
        if text in NOT_JSON:
            continue
        lines.append(f"  # case {number}: {text!r}")
        lines.append(f"  gen:s{number}: {text}")
        lines.append(f"  gen:m{number}:\n    v: {text}  # trailing comment\n    w: x")
        lines.append(f"  gen:l{number}:\n    - {text}\n    - x")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def generated(
    pulumi_cli: PulumiCli, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, str], dict[str, Any]]:
    project = project_copy(tmp_path_factory.mktemp("cases"), "project")
    pulumi_cli.init_stack("gen", project, stack_text(CASES))
    cli = pulumi_cli.config_json("gen", project)
    ours = stackfiles.load(project, "gen").values
    return ours, cli


def test_every_case_reads_the_same(generated: tuple[dict[str, str], dict[str, Any]]) -> None:
    ours, cli = generated
    assert sorted(ours) == sorted(cli)
    differ = {
        key: (ours[key], cli[key]["value"])
        for key in sorted(ours)
        if ours[key] != cli[key].get("value")
    }
    listed = {k: v for k, v in differ.items() if any(re.fullmatch(p, k) for p in DIFFERENCES)}
    unlisted = {k: v for k, v in differ.items() if k not in listed}
    assert unlisted == {}, "keys: (ours, the CLI's)"
    for pattern in DIFFERENCES:
        assert any(re.fullmatch(pattern, k) for k in listed), f"{pattern} no longer differs"


def test_no_case_is_secret(generated: tuple[dict[str, str], dict[str, Any]]) -> None:
    _, cli = generated
    assert [k for k, v in cli.items() if v["secret"]] == []


def test_secrets_read_the_same(pulumi_cli: PulumiCli, tmp_path: Path) -> None:
    """A `secure:` value alone, in a map and in a list: both readers hide it and call it secret."""
    project = project_copy(tmp_path, "project")
    pulumi_cli.init_stack("sec", project, (PROJECT_DIR / "Pulumi.dev.yaml").read_text())
    pulumi_cli.run(
        "config", "set", "--secret", "gen:token", "s3cr3t", "--stack", "sec", cwd=project
    )
    stack_file = project / "Pulumi.sec.yaml"
    cipher = re.search(r"secure: (\S+)", stack_file.read_text())
    assert cipher is not None
    text = stack_file.read_text()
    salt = text.index("encryptionsalt:")  # top level, after config: the new keys go before it
    stack_file.write_text(
        text[:salt]
        + f"  gen:db:\n    user: app\n    password:\n      secure: {cipher[1]}\n"
        + f"  gen:list:\n    - a\n    - secure: {cipher[1]}\n"
        + text[salt:]
    )
    ours = stackfiles.load(project, "sec")
    assert "s3cr3t" not in str(ours)
    # Without --show-secrets the CLI leaves out every value that holds a secret, so compare what
    # the program gets (the plaintext) with ours, where the placeholder stands for it.
    cli = pulumi_cli.config_json("sec", project, "--show-secrets")
    shown = {k: v["value"].replace("s3cr3t", stackfiles.SECRET_PLACEHOLDER) for k, v in cli.items()}
    assert shown == ours.values
    assert sorted(k for k, v in cli.items() if v["secret"]) == list(ours.secret_keys)
