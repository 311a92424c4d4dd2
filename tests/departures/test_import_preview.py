"""The import preview's rows, written in Python, are the markup the template
loop wrote, escaped the same way."""

import pytest
from django.template import Context, Template

from departures.importing import import_departures
from departures.templatetags.import_preview import import_preview_rows
from tests.factories import DepartureFactory

pytestmark = pytest.mark.django_db

# The loop the tag replaces, as it was in admin/departures/departure/import.html.
TEMPLATE_LOOP = (
    "{% for row in report.outcomes %}\n"
    "          <tr>\n"
    "            <td>{{ row.line }}</td>\n"
    "            <td>{{ row.departure }}</td>\n"
    '            <td class="outcome-{{ row.action }}">{{ row.action }}</td>\n'
    "            <td><ul>{% for outcome in row.outcomes %}"
    '{% if outcome.kind != "departure" %}<li><span class="outcome-'
    '{{ outcome.action }}">{{ outcome.action }}</span> {{ outcome.kind }}: '
    '{{ outcome.label }}{% if outcome.fields %}<ul class="field-changes">'
    "{% for change in outcome.fields %}<li>{{ change.label|capfirst }}: "
    "{{ change.old }} → {{ change.new }}</li>{% endfor %}</ul>{% endif %}</li>"
    "{% endif %}{% endfor %}</ul>{% for outcome in row.outcomes %}"
    '{% if outcome.kind == "departure" and outcome.fields %}'
    '<ul class="field-changes">{% for change in outcome.fields %}<li>'
    "{{ change.label|capfirst }}: {{ change.old }} → {{ change.new }}</li>"
    "{% endfor %}</ul>{% endif %}{% endfor %}</td>\n"
    "          </tr>\n"
    "        {% endfor %}"
)


def test_preview_rows_are_the_template_loops_markup():
    DepartureFactory(
        role__person__name="Rita <b>Row</b>",
        role__organization__name="Row & Labs",
        role__title="Chief Executive Officer",
        announced_on="2024-05-01",
        reason="resigned",
        context='Said "no" <i>twice</i>.',
    )
    text = (
        "person,organization,role_title,announced,reason,context,tags,"
        "source1_url,source1_title\n"
        "Rita <b>Row</b>,Row & Labs,Chief Executive Officer,2024-05-01,ousted,-,"
        'a&b,https://example.com/<x>,"Quote\'s ""here"""\n'
        "Nadia <New>,Brand 'New' Labs,CTO,2025-03,new_role,,,,\n"
    )
    report = import_departures(text, dry_run=True)
    assert report.ok, report.errors
    assert any(outcome.fields for row in report.outcomes for outcome in row.outcomes)

    expected = Template(TEMPLATE_LOOP).render(Context({"report": report}))

    assert import_preview_rows(report.outcomes) == expected
