"""The package's entry point, started as the engine starts it, serves the committed schema."""

import json

from pulumi.runtime.proto import provider_pb2

from tests.package.provider import started
from tools import package_schema


def test_get_schema_over_grpc_is_the_committed_schema() -> None:
    with started() as provider:
        response = provider.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
    served = json.loads(response.schema)
    assert served == json.loads(package_schema.SCHEMA_JSON.read_text(encoding="utf-8"))
    assert "private-api:index:PrivateRestApi" in served["resources"]
