"""Who may do what, checked on the server wherever it matters."""

PUBLISH = "departures.publish_departure"


def can_publish(user) -> bool:
    """Publishing and unpublishing need `departures.publish_departure`."""
    return bool(user and user.is_active and user.has_perm(PUBLISH))
