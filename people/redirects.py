"""Old URLs of merged-away records answer with a 301 to the survivor."""

from django.http import Http404, HttpResponsePermanentRedirect


class MergedRedirectMixin:
    """A detail view that, when its record is not found, looks for a merge.

    It acts only on a 404, so a live page always wins and ordinary pages pay
    nothing. Set `redirect_model` (PersonRedirect, …), the survivor's field on
    it, and which URL kwarg matches which of its columns.
    """

    redirect_model = None
    redirect_field = ""
    redirect_kwarg = "slug"
    redirect_lookup = "old_slug"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            survivor = self.merged_survivor(kwargs.get(self.redirect_kwarg))
            # What is not public stays unknown, even through an old link: the
            # survivor must be one this view's own queryset would show.
            if (
                survivor is None
                or not self.get_queryset().filter(pk=survivor.pk).exists()
            ):
                raise
        url = survivor.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(url)

    def merged_survivor(self, value):
        if not value:
            return None
        redirect = (
            self.redirect_model.objects.select_related(self.redirect_field)
            .filter(**{self.redirect_lookup: value})
            .first()
        )
        return getattr(redirect, self.redirect_field, None)
