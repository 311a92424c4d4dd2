from django.views.generic import TemplateView

from departures.models import Departure, Source
from people.models import Role

# Definitions shown on the methodology page, keyed by the stored value, written
# for readers. docs/data-dictionary.md holds the same words beside the admin's
# help text, and tests/test_docs.py keeps the three in step.
REASONS = {
    "resigned": "Left voluntarily; no more specific reason is known.",
    "new_role": "Left to take a role at another organization.",
    "founded": "Left to found or co-found a company.",
    "retired": "Retired.",
    "ousted": "Fired, dismissed, forced out or pushed out by a board.",
    "restructuring": "The role was eliminated, or the organization or its board "
    "was reorganized or merged.",
    "health_personal": "Health, family or personal reasons.",
    "leave": "A leave of absence or sabbatical, not (yet) an exit.",
    "term_ended": "A fixed, interim or board term ended.",
    "died": "Died in office.",
    "undisclosed": "No reason was given.",
}
SENIORITIES = {
    "board": "A seat on the board of directors.",
    "c_suite": "Chief officers, the chief executive and the president.",
    "vp": "Vice presidents.",
    "head": "Heads of a team, a function or an area.",
    "lead": "Team leads and senior advisers leading a programme.",
    "staff": "Individual contributors: researchers, engineers, advisers.",
}
FUNCTIONS = {
    "executive": "General management: chief executives, presidents, board seats.",
    "research": "Research, including chief scientists.",
    "safety": "Safety and alignment of the organization's systems.",
    "policy": "Public policy, governance and advocacy.",
    "product": "Product management and design.",
    "engineering": "Engineering and technology, including chief technology officers.",
    "go_to_market": "Sales, marketing, partnerships and communications.",
    "operations": "People, finance, legal and other operations.",
    "other": "Anything else, such as strategic initiatives.",
}
STATUSES = {
    "rumored": "Unconfirmed talk, reported as such.",
    "reported": "Reported by the press, not confirmed by the person or the "
    "organization.",
    "confirmed": "Said by the person or the organization, on the record.",
}
KINDS = {
    "own_statement": "The person's own post, letter or interview.",
    "company_statement": "The organization's announcement.",
    "regulatory_filing": "A filing with a regulator.",
    "press": "Reporting by a news outlet.",
    "other": "Anything else, including wikis and encyclopedias (used only "
    "alongside a better source).",
}


def _rows(choices, definitions):
    return [(value, label, definitions[value]) for value, label in choices]


class AboutView(TemplateView):
    template_name = "departures/about.html"

    def get_context_data(self, **kwargs):
        involuntary = {str(reason) for reason in Departure.ALWAYS_INVOLUNTARY}
        maybe = {str(reason) for reason in Departure.MAYBE_INVOLUNTARY}
        return super().get_context_data(
            reasons=[
                (value, label, REASONS[value], value in involuntary, value in maybe)
                for value, label in Departure.Reason.choices
            ],
            seniorities=_rows(Role.Seniority.choices, SENIORITIES),
            functions=_rows(Role.Function.choices, FUNCTIONS),
            statuses=_rows(Departure.Status.choices, STATUSES),
            kinds=_rows(Source.Kind.choices, KINDS),
            **kwargs,
        )
