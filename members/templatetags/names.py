"""{{ user|display_name }}: a user as BaliTrack names them (members.roles.display_name)."""

from django import template
from django.contrib.auth.models import AnonymousUser, User

from members import roles

register = template.Library()


@register.filter
def display_name(user: User | AnonymousUser) -> str:
    return roles.display_name(user)
