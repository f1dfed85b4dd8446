"""Serve `PrivateRestApi` as a Pulumi provider: the entry point of the source-based package.

The Python language host runs this directory (`python <plugin-dir> <engine-address>`, as
`pulumi.provider.experimental.host` expects); the component lives in the repository's
`components/`, one level up, which is put on the path so the package and the program build the
very same component. The package name is the first part of the component's type token.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi.provider.experimental import component_provider_host

from components.package_component import PACKAGE, PrivateRestApi

if __name__ == "__main__":
    component_provider_host([PrivateRestApi], PACKAGE)
