"""`--compare`: the change planned as the engine plans it, shown as `pulumi preview --diff` does.

Through the command as a reviewer runs it: a link retarget replaces the link and moves the stage
variable to the new link's id; an API change replaces the deployment and moves the stage to it;
a link switch or a canary start touches only the stage.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.stackcheck.conftest import compare_json, run_cli, steps
from tools import mockrun, pack_messages, preview, stackcheck

NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/"
BLUE = NLB + "orders-blue/0a1b2c3d4e5f6a7b"
OTHER_NLB = NLB + "orders-blue-2/1a2b3c4d5e6f7a8b"
GREEN = NLB + "orders-green/8c9d0e1f2a3b4c5d"
RETARGET = (
    f"vpcLinks={{blue: {{targetArn: {OTHER_NLB}, description: 'Orders service, blue NLB'}}, "
    f"green: {{targetArn: {GREEN}, description: 'Orders service, green NLB'}}}}"
)
STEP = re.compile(r"^  (\+-|\+ |~ |- |> )(\S+): (\S+) \((\S+?)[;)]")


#: prod in the per-resource mode (its own is openapi), where routes are resources of their own.
RESOURCES = ("--set", "apiDefinition=resources")


def test_retargeting_a_link_replaces_it_and_moves_the_stage_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = compare_json(capsys, "prod", "--compare", RETARGET)
    assert steps(document) == {
        "private-api-prod-link-blue": ("replace", ["targetArn"]),
        "private-api-prod-stage": ("update", ["variables"]),
        # The dashboard's load-balancer health widget follows the link's new NLB.
        "private-api-prod-dashboard": ("update", ["dashboardBody"]),
    }
    link, stage = document["changed"][:2]
    assert link["diff"]["targetArn"] == {"old": BLUE, "new": OTHER_NLB}
    old_id = stage["diff"]["variables"]["old"]["vpcLinkId"]
    new_id = stage["diff"]["variables"]["new"]["vpcLinkId"]
    assert old_id != new_id  # the replacement is a new link, with a new id
    assert document["outputs"]["activeVpcLinkId"] == {"old": old_id, "new": new_id}
    assert document["summary"]["replace"] == 1
    assert document["summary"]["update"] == 2


def test_the_retarget_as_the_text_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    code = stackcheck.main(["prod", "--compare", RETARGET])
    out = capsys.readouterr().out
    assert code == 0
    found = [m.groups() for m in map(STEP.match, out.splitlines()) if m]
    assert found == [
        ("+-", "aws:apigateway/vpcLink:VpcLink", "private-api-prod-link-blue", "replace"),
        ("~ ", "aws:apigateway/stage:Stage", "private-api-prod-stage", "update"),
        ("~ ", "aws:cloudwatch/dashboard:Dashboard", "private-api-prod-dashboard", "update"),
    ]
    assert "targetArn forces a new resource" in out
    assert f'~ targetArn: "{BLUE}" => "{OTHER_NLB}"' in out
    assert re.search(r'~ variables: \{\n\s+~ vpcLinkId: "\w+" => "\w+"\n\s+\}', out)
    assert "    ~ 2 to update\n    +-1 to replace\n" in out
    # Outputs come after the resources, before the counts.
    assert out.index("Outputs:") > out.index("private-api-prod-stage (update)")
    assert out.index("Outputs:") < out.index("Resources:")
    assert re.search(r'  ~ activeVpcLinkId: "\w+" => "\w+"', out)


def test_a_timeout_change_replaces_the_deployment_and_moves_the_stage_to_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = compare_json(capsys, "prod", *RESOURCES, "--compare", "timeoutMs=20000")
    assert steps(document) == {
        "private-api-prod-integration-GET-/": ("update", ["timeoutMilliseconds"]),
        "private-api-prod-integration-ANY-/{proxy+}": ("update", ["timeoutMilliseconds"]),
        "private-api-prod-deployment": ("replace", ["triggers"]),
        "private-api-prod-stage": ("update", ["deployment"]),
    }
    integration = document["changed"][0]
    assert integration["diff"]["timeoutMilliseconds"] == {"old": 29000, "new": 20000}
    stage = document["changed"][-1]
    assert stage["diff"]["deployment"]["old"] != stage["diff"]["deployment"]["new"]
    assert document["summary"]["update"] == 3
    assert document["summary"]["replace"] == 1


def test_a_timeout_change_in_openapi_mode_changes_the_body_and_replaces_the_deployment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """prod's own mode: the timeout lives in the body, so the RestApi's body is the update."""
    document = compare_json(capsys, "prod", "--compare", "timeoutMs=20000")
    assert steps(document) == {
        "private-api-prod-api": ("update", ["body"]),
        "private-api-prod-deployment": ("replace", ["triggers"]),
        "private-api-prod-stage": ("update", ["deployment"]),
    }
    assert document["summary"]["update"] == 2
    assert document["summary"]["replace"] == 1


def test_an_api_change_during_a_canary_keeps_the_deployment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A stage with a canary cannot move to another non-canary deployment (AWS developer guide,
    "Set up an API Gateway canary release deployment"): the change reaches the REST API (prod is
    openapi: its body), and neither the deployment nor the stage moves."""
    document = compare_json(
        capsys,
        "prod",
        "--set",
        "canary={vpcLink: green, percent: 10}",
        "--compare",
        "timeoutMs=20000",
    )
    found = steps(document)
    assert found == {"private-api-prod-api": ("update", ["body"])}


def test_a_canary_start_changes_only_the_stage(capsys: pytest.CaptureFixture[str]) -> None:
    document = compare_json(capsys, "prod", "--compare", "canary={vpcLink: green, percent: 10}")
    assert steps(document) == {"private-api-prod-stage": ("update", ["canarySettings"])}
    new = document["changed"][0]["diff"]["canarySettings"]["new"]
    assert new["percentTraffic"] == 10
    assert document["changed"][0]["diff"]["canarySettings"]["old"] is None
    assert document["summary"] == {
        "create": 0,
        "update": 1,
        "replace": 0,
        "delete": 0,
        "read": 0,
        "same": document["summary"]["same"],
    }


def test_a_link_switch_changes_only_the_stage_variable(capsys: pytest.CaptureFixture[str]) -> None:
    document = compare_json(capsys, "prod", "--compare", "activeVpcLink=green")
    assert steps(document) == {"private-api-prod-stage": ("update", ["variables"])}
    assert document["outputs"]["activeVpcLink"] == {"old": "blue", "new": "green"}


def test_a_route_change_creates_the_route_and_redeploys(capsys: pytest.CaptureFixture[str]) -> None:
    routes = "[{path: /, method: GET}, {path: /orders, method: GET}]"
    document = compare_json(capsys, "dev", "--compare", f"routes={routes}")
    assert {urn.rsplit("::", 1)[1] for urn in document["added"]} == {
        "private-api-dev-resource-/orders",
        "private-api-dev-method-GET-/orders",
        "private-api-dev-integration-GET-/orders",
    }
    assert document["removed"] == []
    assert steps(document) == {
        "private-api-dev-deployment": ("replace", ["triggers"]),
        "private-api-dev-stage": ("update", ["deployment"]),
    }
    assert document["summary"]["create"] == 3


def test_a_removed_route_is_deleted(capsys: pytest.CaptureFixture[str]) -> None:
    document = compare_json(
        capsys,
        "prod",
        *RESOURCES,
        "--compare",
        "routes=[{path: /, method: GET, authorization: AWS_IAM}]",
    )
    removed = [urn.rsplit("::", 1)[1] for urn in document["removed"]]
    # Dependants first, as the engine deletes them.
    assert removed == [
        "private-api-prod-integration-ANY-/{proxy+}",
        "private-api-prod-method-ANY-/{proxy+}",
        "private-api-prod-resource-/{proxy+}",
    ]


def test_several_changes_are_applied_together(capsys: pytest.CaptureFixture[str]) -> None:
    """Repeated flags accumulate, and so do several values after one flag."""
    repeated = compare_json(
        capsys, "prod", "--compare", "activeVpcLink=green", "--compare", "timeoutMs=20000"
    )
    together = compare_json(capsys, "prod", "--compare", "activeVpcLink=green", "timeoutMs=20000")
    assert repeated["changed"] == together["changed"]
    assert steps(repeated)["private-api-prod-stage"] == ("update", ["deployment", "variables"])


def test_the_output_is_the_same_on_every_run() -> None:
    first = run_cli("prod", "--compare", RETARGET, "timeoutMs=20000")
    second = run_cli("prod", "--compare", RETARGET, "timeoutMs=20000")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert "Traceback" not in first.stderr


def test_secret_inputs_are_shown_as_secret() -> None:
    def resource(value: str) -> mockrun.RecordedResource:
        inputs = {"variables": {"token": value}, "stageName": "prod"}
        wire = pack_messages.to_struct(
            {"variables": pack_messages.Secret({"token": value}), "stageName": "prod"}
        ).SerializeToString()
        return mockrun.RecordedResource(
            urn="urn:pulumi:prod::private-api::aws:apigateway/stage:Stage::s",
            type="aws:apigateway/stage:Stage",
            name="s",
            inputs=inputs,
            parent="",
            dependencies=(),
            property_dependencies={},
            custom=True,
            wire={"inputs": wire},
        )

    change = preview.plan(
        mockrun.ProgramRun(resources=[resource("hunter2")]),
        mockrun.ProgramRun(resources=[resource("correct-horse")]),
    )
    (step,) = change.steps
    assert step.op == "update"
    assert step.diff == {"variables": {"old": "[secret]", "new": "[secret]"}}
    text = "\n".join(preview.render(change, "prod"))
    assert "~ variables: [secret] => [secret]" in text
    assert "hunter2" not in text
    assert "correct-horse" not in text


CASCADE = '''"""A replacement whose new id replaces a dependant, whose new id updates another."""

import pulumi
import pulumi_aws as aws

nlb = pulumi.Config().require("nlb")
link = aws.apigateway.VpcLink("link", target_arn=nlb)
api = aws.apigateway.RestApi("api")
# Deployment variables force a new deployment: the link's new id replaces it.
deployment = aws.apigateway.Deployment("deployment", rest_api=api.id, variables={"link": link.id})
stage = aws.apigateway.Stage(
    "stage", rest_api=api.id, deployment=deployment.id, stage_name="test"
)
'''


def test_a_new_id_can_replace_a_dependant_and_the_plan_follows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Evaluated again until no new replacement appears: link, then deployment, then stage."""
    (tmp_path / "Pulumi.yaml").write_text("name: cascade\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text(f"config:\n  cascade:nlb: {BLUE}\n")
    (tmp_path / "__main__.py").write_text(CASCADE)
    stackcheck.main(["test", "--json", "--compare", f"nlb={OTHER_NLB}"], project_dir=tmp_path)
    document = json.loads(capsys.readouterr().out)
    assert steps(document) == {
        "link": ("replace", ["targetArn"]),
        "deployment": ("replace", ["variables"]),
        "stage": ("update", ["deployment"]),
    }


def test_a_route_added_on_prod_is_created_redeployed_and_staged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    routes = (
        "[{path: /, method: GET, authorization: AWS_IAM}, "
        "{path: '/{proxy+}', method: ANY, authorization: AWS_IAM}, "
        "{path: /health, method: GET, authorization: AWS_IAM}]"
    )
    code = stackcheck.main(["prod", *RESOURCES, "--compare", f"routes={routes}"])
    out = capsys.readouterr().out
    assert code == 0
    found = [m.groups()[:2] for m in map(STEP.match, out.splitlines()) if m]
    assert found == [
        ("+ ", "aws:apigateway/resource:Resource"),
        ("+ ", "aws:apigateway/method:Method"),
        ("+ ", "aws:apigateway/integration:Integration"),
        ("+-", "aws:apigateway/deployment:Deployment"),
        ("~ ", "aws:apigateway/stage:Stage"),
    ]
    assert "    + 3 to create\n    ~ 1 to update\n    +-1 to replace\n" in out


# --- openapi mode's body, and warnings, in a comparison (issue 20, item 14) -------------------


def test_an_openapi_body_change_shows_the_operations_and_fields_that_changed() -> None:
    result = run_cli("prod", "--compare", "timeoutMs=20000")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    body = out.split("~ body (JSON): {", 1)[1].split("\n  +-", 1)[0]
    assert "~ /{proxy+}: {" in body
    assert "~ x-amazon-apigateway-any-method: {" in body
    assert "~ timeoutInMillis: 29000 => 20000" in body
    assert '\\"paths\\"' not in out  # not the whole document as one string on each side
    assert len(body.splitlines()) < 30


def test_a_program_warning_is_printed_once_in_a_comparison() -> None:
    result = run_cli(
        "prod", "--set", "insecureSkipVerification=true", "--compare", "timeoutMs=20000"
    )
    assert result.returncode == 0, result.stderr
    both = result.stdout + result.stderr
    assert both.count("private-api:insecureSkipVerification: API Gateway will not check") == 1
