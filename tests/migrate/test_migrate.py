"""Scripted migrations (issue 21): the Pulumi CLI is a stand-in keeping config and the deployed
stage, CloudWatch is scripted from the deployed canary share, and time is a fake clock."""

from __future__ import annotations

import json

import pytest

from tests.migrate.conftest import FakeClock, FakeMetrics, Script, World
from tools import migrate, smoke
from tools.gates import PERIOD_SECONDS

STEPS = "10:2m,50:2m"


def healthy(percent: float, _n: int) -> tuple[float, float, float | None]:
    return (percent * 10, 0.0, 120.0)


HEALTHY: Script = healthy


def run(
    world: World, script: Script, *extra: str, clock: FakeClock | None = None
) -> tuple[int, FakeMetrics]:
    metrics = FakeMetrics(world, script)
    code = migrate.main(
        ["prod", "--to", "green", "--schedule", STEPS, *extra],
        clock=clock or FakeClock(),
        metrics=lambda: metrics,
    )
    return code, metrics


def agree(world: World) -> None:
    """Config (the truth) and the deployed stage say the same."""
    config, deployed = world.config(), world.deployed()
    for key in ("private-api:activeVpcLink", "private-api:canary"):
        assert config.get(key) == deployed.get(key)


def test_a_clean_run_promotes(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, metrics = run(world, HEALTHY)
    assert code == 0
    assert world.placement() == ("green", None)
    agree(world)
    assert world.ups() == 3  # 10 %, 50 %, promotion
    assert [p for p, _ in metrics.readings] == [10.0, 10.0, 50.0, 50.0]
    out = capsys.readouterr().out
    assert "step 2/2 50% | bake 0s left | PASS" in out
    assert "promoted: blue -> green" in out


def test_errors_rising_at_step_2_roll_back_within_one_evaluation(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    def script(percent: float, _n: int) -> tuple[float, float, float | None]:
        return (percent * 10, 25.0 if percent == 50 else 0.0, 120.0)

    code, metrics = run(world, script)
    assert code == 1
    assert [p for p, _ in metrics.readings].count(50.0) == 1  # the first breached evaluation
    assert world.placement() == ("blue", None)
    agree(world)
    out = capsys.readouterr().out
    assert "rolled back: blue -> green" in out
    assert "canary 5XX % 5 (limit 1): breach" in out


def test_too_few_canary_requests_make_a_step_wait_not_pass(world: World) -> None:
    def script(percent: float, _n: int) -> tuple[float, float, float | None]:
        return (30.0 if percent == 10 else 500.0, 0.0, 120.0)  # 100 needed: 4 periods at 10 %

    code, metrics = run(world, script)
    assert code == 0
    assert [p for p, _ in metrics.readings].count(10.0) == 4  # not 2: the bake waited
    agree(world)


def test_requests_that_never_come_roll_back_naming_the_count(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(world, lambda _p, _n: (0.0, 0.0, None), "--max-wait", "120")
    assert code == 1
    assert world.placement() == ("blue", None)
    agree(world)
    assert "canary requests 0 (limit 100): breach" in capsys.readouterr().out


def test_an_interruption_names_the_state_and_a_rerun_resumes(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ctrl-C during step 2's bake: config and stage both hold the 50 % canary.
    code, _ = run(world, HEALTHY, clock=FakeClock(interrupt_at=3 * PERIOD_SECONDS))
    assert code == migrate.EXIT_INTERRUPTED
    assert world.placement() == ("blue", {"vpcLink": "green", "percent": 50})
    agree(world)
    assert "interrupted in state CANARY 50%" in capsys.readouterr().err
    ups = world.ups()
    code, metrics = run(world, HEALTHY)
    assert code == 0
    assert [p for p, _ in metrics.readings] == [50.0, 50.0]  # resumed at 50 %, re-baked
    assert world.ups() == ups + 2  # reconcile, promotion
    assert world.placement() == ("green", None)
    agree(world)


def test_an_interrupted_promotion_is_finished_by_a_rerun(world: World) -> None:
    config = world.config()
    config["private-api:activeVpcLink"] = "green"
    config["private-api:canary"] = {"vpcLink": "green", "percent": 50}
    (world.state / "config.json").write_text(json.dumps(config))
    code, _ = run(world, HEALTHY)
    assert code == 0
    assert world.placement() == ("green", None)
    agree(world)


def test_a_second_run_after_a_finished_migration_does_nothing(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(world, HEALTHY)[0] == 0
    ups = world.ups()
    code, metrics = run(world, HEALTHY, "--json")
    assert code == 0
    assert world.ups() == ups
    assert not metrics.readings
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["outcome"] == "nothing to do"
    assert summary["state"] == "DONE"


def test_a_failed_step_update_leaves_all_traffic_on_the_old_link(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAIL_UP", "2")  # the 50 % step's update
    code, _ = run(world, HEALTHY)
    assert code == migrate.EXIT_ERROR
    assert world.placement() == ("blue", None)
    agree(world)
    assert "rolled back: all traffic on 'blue'" in capsys.readouterr().err


def test_an_unknown_link_is_one_line_naming_the_links(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code = migrate.main(["prod", "--to", "purple"], clock=FakeClock(), metrics=lambda: None)
    assert code == migrate.EXIT_ERROR
    err = capsys.readouterr().err.strip()
    assert err == "error: 'purple' is not a link of stack prod; its links: blue, green (vpcLinks)"
    assert world.ups() == 0


def test_the_live_view_in_json_names_each_gate(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    run(world, HEALTHY, "--json")
    captured = capsys.readouterr()
    events = [json.loads(line) for line in captured.err.splitlines()]
    first = events[0]
    assert (first["step"], first["percent"], first["bakeLeftSeconds"]) == (1, 10, 60)
    gates = {g["gate"]: g for g in events[-1]["gates"]}
    assert gates["canary 5XX %"] == {
        "gate": "canary 5XX %",
        "value": 0.0,
        "threshold": 1.0,
        "status": "pass",
    }
    assert json.loads(captured.out)["outcome"] == "promoted"


def test_the_smoke_probes_are_a_gate_at_the_end_of_each_bake(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    probed: list[float] = []

    def check_canary(_url: str, *, percent: float, **_: object) -> bool:
        probed.append(percent)
        return percent < 50

    monkeypatch.setattr(smoke, "stack_invoke_url", lambda *_: "https://a.example.invalid/prod")
    monkeypatch.setattr(smoke, "check_canary", check_canary)
    code, _ = run(world, HEALTHY, "--smoke")
    assert code == 1
    assert probed == [10.0, 50.0]
    assert world.placement() == ("blue", None)
    agree(world)
    assert "smoke probes a GET / failed at 50 %" in capsys.readouterr().out


def test_a_failed_promotion_update_says_what_config_holds(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAIL_UP", "3")  # the promotion's update
    code, _ = run(world, HEALTHY)
    assert code == migrate.EXIT_ERROR
    assert world.placement() == ("green", None)
    err = capsys.readouterr().err
    assert "config names 'green' with no canary (state DONE): run `pulumi up --stack prod`" in err


def test_a_canary_the_schedule_does_not_name_is_judged_before_anything_moves(
    world: World,
) -> None:
    config = world.config()
    config["private-api:canary"] = {"vpcLink": "green", "percent": 95}
    (world.state / "config.json").write_text(json.dumps(config))
    code, metrics = run(world, HEALTHY)
    assert code == 0
    assert [p for p, _ in metrics.readings] == [95.0, 95.0]
    assert world.placement() == ("green", None)
    agree(world)
