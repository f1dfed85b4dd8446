"""The package's provider started as the engine starts it: a subprocess that prints its port."""

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
from pulumi.runtime.proto import provider_pb2_grpc

PROJECT_DIR = Path(__file__).resolve().parents[2]
PLUGIN_DIR = PROJECT_DIR / "package"
PYTHON = PROJECT_DIR / "venv" / "bin" / "python"


@contextmanager
def started(
    engine_address: str = "127.0.0.1:0", plugin_dir: Path = PLUGIN_DIR
) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """`python -u <plugin dir> <engine>` in the plugin directory, as the Python language host
    runs a PulumiPlugin.yaml plugin (pulumi/provider/experimental/host.py); a stub on its port."""
    process = subprocess.Popen(
        [str(PYTHON), "-u", str(plugin_dir), engine_address],
        cwd=plugin_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()
        if not line.isdigit():
            process.kill()
            _, err = process.communicate(timeout=10)
            raise AssertionError(f"the provider printed no port: {line!r} {err.decode()[-2000:]}")
        with grpc.insecure_channel(f"127.0.0.1:{line}") as channel:
            yield provider_pb2_grpc.ResourceProviderStub(channel)
    finally:
        process.kill()
        process.communicate(timeout=10)
