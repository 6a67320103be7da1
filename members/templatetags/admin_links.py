"""{% edit_in_admin record %}: a link from a record's page to its admin change form, for
whoever may change it there (the Secretariat, and the administrator, who may do anything).

One tag for every record page, so no template checks a permission itself. The admin links
back: every record with a page has get_absolute_url, for which it shows "View on site".
"""

from typing import Any

from django import template
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.urls import NoReverseMatch, reverse

register = template.Library()


def admin_change_url(user: User | AnonymousUser, record: models.Model) -> str | None:
    """The record's admin change form, if this user may change it there; else None."""
    # The admin lets in active staff only, so for anyone else the link would lead nowhere;
    # asking first also spares the Co-Chairs' and Members' pages the two permission queries.
    if not (user.is_active and user.is_staff):
        return None
    opts = record._meta
    if not user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}"):
        return None
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    except NoReverseMatch:  # a model with no admin of its own
        return None


@register.inclusion_tag("_edit_in_admin.html", takes_context=True)
def edit_in_admin(context: template.Context, record: models.Model, what: str = "") -> dict[str, Any]:
    """`what` names the record in the link's accessible name where a page has several links
    ("Edit in admin: paragraph 10"); the visible text stays "Edit in admin"."""
    return {"url": admin_change_url(context["request"].user, record), "what": what}
