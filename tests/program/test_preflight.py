"""A wrong NLB fails at preview, naming its key, before any resource: the provider is asked first.

The mocked provider (tools/mockcloud.py) answers the program's invokes; each test changes one
thing about the AWS it answers for, as a real account could differ from the stack file.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from stack_config import ConfigError
from tests.program.harness import evaluate
from tools import mockcloud, mockrun

DEV_NLB = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/my-vpclink-test-nlb/"
    "1f8df693cd094a72"
)
EU_NLB = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
)
BLUE = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-blue/"
    "0a1b2c3d4e5f6a7b"
)
BACKEND = "organization/private-api-backend/demo"
BACKEND_NLB = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/private-api-demo/"
    "00112233445566aa"
)


def refused(stack: str, overrides: dict[str, Any] | None = None, **world: Any) -> str:
    """Evaluate the stack in that world as a first preview; nothing may be registered (a
    backend stack's outputs are read first: that read is all there may be)."""
    run = mockrun.ProgramRun()
    with mockcloud.scenario(**world), pytest.raises(ConfigError) as caught:
        evaluate(stack, overrides, preview=True, into=run)
    registered = [r.type for r in run.resources]
    reads = ["pulumi:pulumi:StackReference"] if world.get("stacks") else []
    assert registered == reads, "resources were registered before the NLB was checked"
    return str(caught.value)


def test_the_shipped_stacks_pass_in_the_default_world() -> None:
    for stack in ("dev", "prod"):
        assert evaluate(stack).by_type("aws:apigateway/vpcLink:VpcLink")


def test_a_missing_nlb_is_refused_naming_the_key() -> None:
    message = refused("dev", missing={DEV_NLB})
    assert "private-api:vpcLinks.main.targetArn:" in message
    assert f"no load balancer {DEV_NLB} exists" in message
    assert "pulumi config set --path vpcLinks.main.targetArn <your NLB ARN>" in message
    assert "make demo" in message


def test_a_load_balancer_of_another_type_is_refused() -> None:
    message = refused("dev", load_balancers={DEV_NLB: {"loadBalancerType": "application"}})
    assert "private-api:vpcLinks.main.targetArn:" in message
    assert "of type 'application'" in message
    assert "Network Load Balancer" in message


def test_an_nlb_in_another_region_than_the_provider_is_refused() -> None:
    """dev takes its region from the environment: only the provider knows it (no aws:region)."""
    message = refused("dev", {"vpcLinks": {"main": {"targetArn": EU_NLB}}})
    assert "private-api:vpcLinks.main.targetArn:" in message
    assert "the NLB is in eu-west-1 but the stack deploys to us-east-1" in message


def test_an_nlb_of_another_account_is_refused() -> None:
    """Also what the shipped placeholder (account 123456789012) meets with real credentials."""
    message = refused("dev", account_id="210987654321")
    assert "private-api:vpcLinks.main.targetArn:" in message
    assert "account 123456789012" in message
    assert "account 210987654321" in message
    assert "pulumi config set --path vpcLinks.main.targetArn <your NLB ARN>" in message


def test_every_link_is_checked_and_reported_at_once() -> None:
    message = refused("prod", account_id="210987654321")
    assert "2 problems" in message
    assert "private-api:vpcLinks.blue.targetArn:" in message
    assert "private-api:vpcLinks.green.targetArn:" in message


def test_a_lookup_that_fails_otherwise_says_why_and_which_permissions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def deny(arn: str) -> mockcloud.ProviderError:
        del arn
        return mockcloud.ProviderError(
            "invoking aws:lb/getLoadBalancer:getLoadBalancer: AccessDenied: not allowed"
        )

    monkeypatch.setattr(mockcloud, "not_found_error", deny)
    message = refused("prod", missing={BLUE})
    assert "private-api:vpcLinks.blue.targetArn:" in message
    assert "AccessDenied" in message
    assert "elasticloadbalancing:DescribeLoadBalancers" in message


def test_an_internet_facing_nlb_is_a_warning_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *_a, **_k: warnings.append(message))
    with mockcloud.scenario(load_balancers={DEV_NLB: {"internal": False}}):
        run = evaluate("dev")
    assert run.by_type("aws:apigateway/vpcLink:VpcLink")
    [warning] = warnings
    assert warning.startswith("private-api:vpcLinks.main.targetArn: ")
    assert "internet-facing" in warning
    assert evaluate("dev").by_type("aws:apigateway/vpcLink:VpcLink")
    assert len(warnings) == 1, "an internal NLB warns"


def test_existing_links_are_not_looked_up() -> None:
    """A link given by id is read (VpcLink.get), which fails at preview on its own."""
    run = evaluate("dev", {"vpcLinks": {"main": {"id": "gim7c3"}}})
    assert [r.read for r in run.by_type("aws:apigateway/vpcLink:VpcLink")] == [True]


def test_the_backend_stack_gives_the_active_link_its_nlb() -> None:
    with mockcloud.scenario(stacks={BACKEND: {"loadBalancerArn": BACKEND_NLB}}):
        run = evaluate("dev", {"backendStack": BACKEND}, preview=True)
    reference = run.one("pulumi:pulumi:StackReference")
    assert reference.inputs["name"] == BACKEND
    assert reference.read
    link = run.one("aws:apigateway/vpcLink:VpcLink")
    assert link.inputs["targetArn"] == BACKEND_NLB
    assert "invokeUrl" in run.outputs


def test_the_backend_nlb_is_looked_up_too() -> None:
    message = refused(
        "dev",
        {"backendStack": BACKEND},
        stacks={BACKEND: {"loadBalancerArn": BACKEND_NLB}},
        missing={BACKEND_NLB},
    )
    assert f"no load balancer {BACKEND_NLB} exists" in message


def test_a_backend_stack_without_the_output_is_refused() -> None:
    """A backend stack that was never deployed, or was destroyed, exports nothing."""
    run = mockrun.ProgramRun()
    with mockcloud.scenario(stacks={BACKEND: {}}), pytest.raises(ConfigError) as caught:
        evaluate("dev", {"backendStack": BACKEND}, into=run)
    message = str(caught.value)
    assert "private-api:backendStack:" in message
    assert f"the stack '{BACKEND}' has no loadBalancerArn output" in message
    assert "make demo" in message
    assert [r.type for r in run.resources] == ["pulumi:pulumi:StackReference"]


def test_a_backend_stack_needs_an_active_link_it_can_target() -> None:
    with pytest.raises(ConfigError, match=r"private-api:backendStack: .*\(no id\)"):
        evaluate("dev", {"backendStack": BACKEND, "vpcLinks": {"main": {"id": "gim7c3"}}})


def test_a_stack_file_with_a_backend_stack_still_checks_without_credentials() -> None:
    """The default mocked world has the backend deployed: its NLB in the stack's region."""
    run = evaluate("dev", {"backendStack": BACKEND})
    target = run.one("aws:apigateway/vpcLink:VpcLink").inputs["targetArn"]
    assert target.startswith(
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/"
    )
    assert target != DEV_NLB


def test_no_credentials_is_one_plain_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the provider's identity look-up fails with when it has no credentials."""
    answer = mockcloud.answer

    def no_credentials(token: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if token == mockcloud.CALLER_IDENTITY:
            raise mockcloud.ProviderError("invoking getCallerIdentity: no valid credential sources")
        return answer(token, *args, **kwargs)

    monkeypatch.setattr(mockcloud, "answer", no_credentials)
    run = mockrun.ProgramRun()
    with pytest.raises(pulumi.RunError) as caught:
        evaluate("dev", into=run)
    assert "no valid credential sources" in str(caught.value)
    assert "aws sts get-caller-identity" in str(caught.value)
    assert run.resources == []
