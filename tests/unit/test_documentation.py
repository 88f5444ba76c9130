"""The documentation a user reads: a short README in a Pulumi provider's order, English
docstrings that say what a change does, and the documents shipped with the package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pulumi_scpvs import resources
from pulumi_scpvs.provider._keys import MANAGEMENT_INPUTS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
GENERATED = [
    ROOT / "pulumi_scpvs" / "resources" / "_generated.py",
    ROOT / "pulumi_scpvs" / "outputs.py",
    ROOT / "pulumi_scpvs" / "inputs.py",
    ROOT / "pulumi_scpvs" / "lookups" / "_outputs.py",
    ROOT / "pulumi_scpvs" / "scp" / "_generated" / "models.py",
    ROOT / "docs" / "reference.md",
]


def test_the_readme_is_short_and_in_the_order_of_a_pulumi_provider() -> None:
    assert len(README.splitlines()) <= 250
    sections = re.findall(r"^## (.+)$", README, re.M)
    assert sections[:5] == ["Installing", "Configuring", "Example", "Reference", "Troubleshooting"]
    for target in re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", README):
        assert (ROOT / target).is_file(), f"the README links to {target}, which does not exist"
    # Maintainer material lives in docs/: no figures of earlier code in the README.
    assert "before this work" not in README and "benchmarks/" not in README


def test_the_readme_python_examples_compile() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert len(blocks) >= 2
    for block in blocks:
        compile(block, "README.md", "exec")


@pytest.mark.parametrize("path", GENERATED, ids=lambda path: path.name)
def test_generated_docstrings_and_the_reference_are_english(path: Path) -> None:
    korean = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if HANGUL.search(line)]
    assert korean == []


@pytest.mark.parametrize("name", [n for n in resources.__all__ if not n.endswith("Provider")])
def test_each_param_line_says_what_a_change_does(name: str) -> None:
    cls = getattr(resources, name)
    spec = cls._provider_class.spec
    doc = cls.__init__.__doc__ or ""
    params = dict(re.findall(r":param (\w+): (.*)", doc))
    kind = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    for field in spec.inputs.model_fields:
        text = params[field]
        assert text.lower() != field.replace("_", " "), f"{name}.{field} says only its name"
        if field in MANAGEMENT_INPUTS or text.startswith("change it"):
            continue
        if field in spec.update_in_place:
            assert text.endswith("Changes in place."), f"{name}.{field}: {text}"
        else:
            assert f"Changing it replaces the {kind}" in text, f"{name}.{field}: {text}"
