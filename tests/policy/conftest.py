"""The policy pack, started once per test module as the CLI starts it, for the gRPC tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pack_client import PolicyPackClient

PACK_DIR = Path(__file__).resolve().parents[2] / "policy"


@pytest.fixture(scope="module")
def running_pack() -> Iterator[PolicyPackClient]:
    env = {"PULUMI_PROJECT": "shop", "PULUMI_STACK": "dev", "PULUMI_DRY_RUN": "true"}
    with PolicyPackClient.start(PACK_DIR, env=env) as client:
        yield client
    assert client.process.poll() is not None, "the pack outlived its client"


@pytest.fixture
def pack(running_pack: PolicyPackClient) -> PolicyPackClient:
    running_pack.configure({})  # the defaults, as the CLI sends them without a config file
    return running_pack
