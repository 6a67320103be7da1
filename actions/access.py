"""Who may read and change actions. Views ask here; they never check permissions inline."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from actions.models import Action

# Recording an update is adding a history row: the Secretariat's permission.
RECORD_UPDATE_PERMISSION = "actions.add_actionupdate"


def can_record_update(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(RECORD_UPDATE_PERMISSION)


def get_action_for_user(user: User | AnonymousUser, pk: int) -> Action:
    """The action with everything its page shows. Every signed-in user may read every action:
    the register is shared across the Bali Process."""
    return get_object_or_404(Action.objects.for_detail(), pk=pk)


def check_can_record_update(user: User | AnonymousUser) -> None:
    """403 for anyone who may not record status updates (the single form's and a bulk change's)."""
    if not can_record_update(user):
        raise PermissionDenied("Only the Secretariat records status updates.")


def get_action_for_update(user: User | AnonymousUser, pk: int) -> Action:
    """The action a status update is for, or 403 for anyone who may not record one."""
    check_can_record_update(user)
    return get_object_or_404(Action, pk=pk)
