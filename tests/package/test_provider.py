"""The package's entry point, started as the engine starts it, serves the committed schema, with
the version of the tag it was installed at."""

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from components.package_version import version
from tests.package.provider import PLUGIN_DIR, PROJECT_DIR, started
from tools import package_schema

#: google.protobuf ships no type stubs here (as tools/mockrun.py loads it).
empty_pb2: Any = importlib.import_module("google.protobuf.empty_pb2")


def test_get_schema_over_grpc_is_the_committed_schema() -> None:
    with started() as provider:
        response = provider.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
    served = json.loads(response.schema)
    committed = json.loads(package_schema.SCHEMA_JSON.read_text(encoding="utf-8"))
    # The committed schema is a checkout's; this one may be at a tag (a release's CI).
    assert served == {**committed, "version": version(PLUGIN_DIR)}
    assert "private-api:index:PrivateRestApi" in served["resources"]


@pytest.mark.parametrize("tag", ["0.3.1", "1.0.0-rc.1", "0.0.0-x1a2b3c4"])
def test_installed_at_a_tag_it_reports_that_version(tmp_path: Path, tag: str) -> None:
    """Laid out as `pulumi package add github.com/acme/private-api/package@v<tag>` installs it
    (plugins.go, `PluginDescriptor.Dir`); the repository is linked, not copied."""
    installed = tmp_path / f"resource-github.com_acme_private-api_package-v{tag}"
    installed.symlink_to(PROJECT_DIR, target_is_directory=True)
    with started(plugin_dir=installed / "package") as provider:
        info = provider.GetPluginInfo(empty_pb2.Empty(), timeout=60)
        response = provider.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
    assert info.version == tag
    assert json.loads(response.schema)["version"] == tag
