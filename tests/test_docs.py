"""The documents in docs/ say what the code does, and stay in the repository."""

import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils.html import escape

from departures.views import about

ROOT = Path(__file__).resolve().parents[1]
DICTIONARY = ROOT / "docs" / "data-dictionary.md"
HEADING = re.compile(r"^#{2,3} (.+)$", re.MULTILINE)
MODEL_HEADING = re.compile(r"`(\w+\.\w+)`$")
ROW = re.compile(r"^\| `([^`]+)` \|(.*)\|$", re.MULTILINE)
LINK = re.compile(r"\]\(#([\w-]+)\)")

# What /about/ shows readers, by the taxonomy heading of the dictionary.
ABOUT_DEFINITIONS = {
    "Reason": about.REASONS,
    "Seniority": about.SENIORITIES,
    "Function": about.FUNCTIONS,
    "Status": about.STATUSES,
    "Source kind": about.KINDS,
}


def sections() -> dict[str, str]:
    """The dictionary's sections by heading text."""
    text = DICTIONARY.read_text(encoding="utf-8")
    found = {}
    headings = list(HEADING.finditer(text))
    for here, after in zip(headings, [*headings[1:], None], strict=True):
        end = after.start() if after else len(text)
        found[here.group(1).strip()] = text[here.end() : end]
    return found


def model_sections() -> dict[str, str]:
    return {
        match.group(1): body
        for heading, body in sections().items()
        if (match := MODEL_HEADING.search(heading))
    }


def rows(body: str) -> dict[str, list[str]]:
    """Table rows keyed by their first cell (a `code` value)."""
    return {
        match.group(1): [cell.strip() for cell in match.group(2).split("|")]
        for match in ROW.finditer(body)
    }


def anchor(heading: str) -> str:
    return re.sub(r"[^\w-]", "", heading.lower().replace(" ", "-"))


def taxonomies() -> dict[str, dict[str, list[str]]]:
    """Taxonomy tables by anchor: value → [label, definition, …]."""
    text = sections()
    start = list(text).index("Taxonomies")
    return {anchor(heading): rows(text[heading]) for heading in list(text)[start + 1 :]}


def documented_models():
    for config in apps.get_app_configs():
        if Path(config.path).parent != ROOT:
            continue
        for model in config.get_models():
            if not model.__name__.startswith("Historical"):
                yield model


def fields(model):
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete or field.many_to_many and not field.auto_created
    ]


def normalized(text: str) -> str:
    return " ".join(str(text).split())


@pytest.mark.parametrize(
    "model", list(documented_models()), ids=lambda model: model._meta.label
)
def test_the_data_dictionary_lists_every_field_of_every_model(model):
    body = model_sections().get(model._meta.label)
    assert body is not None, f"docs/data-dictionary.md has no `{model._meta.label}`"

    listed = set(rows(body))

    missing = [field.name for field in fields(model) if field.name not in listed]
    assert not missing, f"{model._meta.label}: document {missing} in the dictionary"
    extra = listed - {field.name for field in fields(model)}
    assert not extra, f"{model._meta.label}: {extra} are no longer fields"


@pytest.mark.parametrize(
    "model", list(documented_models()), ids=lambda model: model._meta.label
)
def test_the_data_dictionary_quotes_every_admin_help_text(model):
    table = rows(model_sections()[model._meta.label])

    for field in fields(model):
        help_text = normalized(getattr(field, "help_text", ""))
        meaning = normalized(table[field.name][-1])
        assert help_text in meaning, (
            f"{model._meta.label}.{field.name}: the help text “{help_text}” is "
            f"not what docs/data-dictionary.md says: “{meaning}”"
        )


def choice_fields():
    for model in documented_models():
        for field in fields(model):
            if field.choices:
                yield pytest.param(model, field, id=f"{model._meta.label}.{field.name}")


@pytest.mark.parametrize(("model", "field"), list(choice_fields()))
def test_every_taxonomy_value_is_in_the_data_dictionary_with_its_label(model, field):
    row = rows(model_sections()[model._meta.label])[field.name]
    link = LINK.search(row[0])
    assert link, f"{model._meta.label}.{field.name}: link its taxonomy table"

    table = taxonomies()[link.group(1)]

    assert {value: cells[0] for value, cells in table.items()} == {
        str(value): str(label) for value, label in field.choices
    }


@pytest.mark.parametrize("heading", list(ABOUT_DEFINITIONS))
def test_the_about_page_defines_each_value_as_the_data_dictionary_does(client, heading):
    table = taxonomies()[anchor(heading)]
    definitions = {value: cells[1] for value, cells in table.items()}

    assert ABOUT_DEFINITIONS[heading] == definitions

    page = client.get("/about/").content.decode()
    for definition in definitions.values():
        assert escape(definition) in page


def repository_files():
    skipped = {"node_modules", "staticfiles", "artifacts", "__pycache__"}
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [
            name
            for name in subfolders
            if not name.startswith(".") and name not in skipped
        ]
        for name in names:
            if Path(name).suffix in {".py", ".md", ".html", ".toml", ".txt"}:
                yield Path(folder, name)


def test_nothing_in_the_repository_points_outside_it():
    outside = re.compile(r"/work/|DESIGN\.md|shared folder")

    offenders = [
        str(path.relative_to(ROOT))
        for path in repository_files()
        if path != Path(__file__)
        and outside.search(path.read_text(encoding="utf-8", errors="ignore"))
    ]

    assert offenders == []
