"""The package's version: the tag its install directory names, the tag of a checkout, or one that
says it is unreleased."""

import subprocess
from pathlib import Path

import pytest

from components.package_version import UNRELEASED, version


def installed(tmp_path: Path, directory: str) -> Path:
    plugin_dir = tmp_path / directory / "package"
    plugin_dir.mkdir(parents=True)
    return plugin_dir


@pytest.mark.parametrize(
    ("directory", "expected"),
    [
        ("resource-github.com_acme_private-api_package-v0.3.1", "0.3.1"),
        ("resource-github.com_acme_api-v2_package-v1.0.0-rc.1", "1.0.0-rc.1"),
        ("resource-gitlab.com_acme_private-api_package-v0.0.0-x1a2b3c4", "0.0.0-x1a2b3c4"),
        ("resource-github.com_acme_private-api_package", UNRELEASED),
        ("private-api", UNRELEASED),
    ],
)
def test_the_install_directory_names_the_version(
    tmp_path: Path, directory: str, expected: str
) -> None:
    assert version(installed(tmp_path, directory)) == expected


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "tag.gpgSign=false"]
    subprocess.run(["git", "-C", str(repo), *identity, *args], check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    repo = tmp_path / "private-api"
    (repo / "package").mkdir(parents=True)
    (repo / "package" / "PulumiPlugin.yaml").write_text("runtime: python\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "--no-gpg-sign", "-m", "first")
    return repo


def test_a_checkout_at_a_tag_reports_it(checkout: Path) -> None:
    git(checkout, "tag", "release-1")
    git(checkout, "tag", "v1.4.0")
    git(checkout, "tag", "v1.10.0")
    assert version(checkout / "package") == "1.10.0"


def test_a_checkout_past_its_tag_or_at_another_tag_is_unreleased(checkout: Path) -> None:
    git(checkout, "tag", "release-1")
    assert version(checkout / "package") == UNRELEASED
    git(checkout, "tag", "v1.4.0")
    git(checkout, "commit", "-q", "--no-gpg-sign", "--allow-empty", "-m", "after")
    assert version(checkout / "package") == UNRELEASED


def test_outside_any_checkout_it_is_unreleased(tmp_path: Path) -> None:
    assert version(installed(tmp_path, "copied")) == UNRELEASED
