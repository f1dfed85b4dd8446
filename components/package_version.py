"""The version the package's provider reports (GetPluginInfo, and the schema SDKs are generated
from): the git tag a team consumes it at, `pulumi package add <repository>/package@<tag>`.

How the CLI installs such a package (pulumi/pulumi at 1b5949891b,
`sdk/go/common/workspace/plugins.go`): a git plugin's version is a tag `v<semver>` (cloned at
`refs/tags/v<version>`, shallow and without other tags) or a commit (`0.0.0-x<hash>`), in
`gitSource.Download`; the clone is installed as `<plugins>/resource-<local name>-v<version>/`
(`PluginDescriptor.Dir`) and the plugin runs from its subdirectory, here `package/`
(`PluginDescriptor.SubDir`). The engine passes the plugin no version of its own, and
PulumiPlugin.yaml has no version key (`sdk/go/common/workspace/project.go`, `PluginProject`), so
the install directory's name is where the tag is read. A checkout used as a local path
(`pulumi package add ./package`) has no such name: there the tag of the checked-out commit is
asked of git. Anything else reports `UNRELEASED`, which says so and is still the semver the
schema needs.
"""

import re
import subprocess
from pathlib import Path

#: What a plugin that was not installed from a tag, nor run from a tagged checkout, reports.
UNRELEASED = "0.0.0-unreleased"

_SEMVER = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?"
#: `resource-<local name>-v<version>`: the local name (repository and path, `/` as `_`) may hold
#: `-v` itself, so the version is the semver that ends the name.
INSTALLED_DIR = re.compile(rf"^resource-.+-v(?P<version>{_SEMVER})$")
TAG = re.compile(rf"^v(?P<version>{_SEMVER})$")


def version(plugin_dir: Path) -> str:
    """The version of the plugin run from `plugin_dir` (the directory of PulumiPlugin.yaml)."""
    installed = INSTALLED_DIR.match(plugin_dir.parent.name)
    if installed is not None:
        return installed.group("version")
    return checkout_tag(plugin_dir) or UNRELEASED


def checkout_tag(directory: Path) -> str | None:
    """The version of the `v<semver>` tag on the commit checked out at `directory` (the highest,
    where there are several), if any."""
    command = ["git", "-C", str(directory), "tag", "--points-at", "HEAD", "--sort=-v:refname"]
    try:
        listed = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None  # no git here: not a checkout it can read
    if listed.returncode != 0:
        return None  # not inside a git checkout
    for line in listed.stdout.splitlines():
        tag = TAG.match(line.strip())
        if tag is not None:
            return tag.group("version")
    return None
