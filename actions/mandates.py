"""Writes of "Record a statement", step 5, that touch actions (issue 12, point 4): linking
a paragraph to the actions it mandates, and a new action from a paragraph.

Every row is saved through the model, so the audit trail records each (the many-to-many
link too), naming the officer of the request.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from actions.models import Action, Initiative
from meetings.models import Decision


@transaction.atomic
def mandate_link(*, by: AbstractBaseUser, decision: Decision, action: Action) -> bool:
    """Record that the paragraph mandates the action; False if it was recorded already."""
    if action.mandates.filter(pk=decision.pk).exists():
        return False
    action.mandates.add(decision)
    return True


@transaction.atomic
def action_create_from_decision(
    *, by: AbstractBaseUser, decision: Decision, initiative: Initiative, text: str
) -> Action:
    """A new action under the initiative, numbered after its last, mandated by the paragraph."""
    # The initiative is locked so that two officers adding an action to it get two numbers.
    Initiative.objects.select_for_update().filter(pk=initiative.pk).get()
    last = Action.objects.filter(initiative=initiative).aggregate(last=Max("number"))["last"] or 0
    action = Action(initiative=initiative, number=last + 1, text=text)
    action.full_clean()
    action.save()
    action.mandates.add(decision)
    return action
