"""Serve `PrivateRestApi` as a Pulumi provider: the entry point of the source-based package.

The Python language host runs this directory (`python <plugin-dir> <engine-address>`, as
`pulumi.provider.experimental.host` expects); the component lives in the repository's
`components/`, one level up, which is put on the path so the package and the program build the
very same component. The package name is the first part of the component's type token; its
version is the git tag the package was added at (`components/package_version.py`).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi.provider.experimental import component_provider_host

from components.package_component import PACKAGE, PrivateRestApi
from components.package_version import version

if __name__ == "__main__":
    # Not resolved: the install directory's own name carries the version.
    PLUGIN_DIR = Path(__file__).absolute().parent
    component_provider_host([PrivateRestApi], PACKAGE, version=version(PLUGIN_DIR))
