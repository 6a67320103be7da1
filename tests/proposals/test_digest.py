"""The monthly digest links each action to its proposal form and counts the member's proposals."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from actions.models import ActionOwner
from members.models import Member
from proposals.models import Proposal
from tests.factories import ActionFactory, ActionOwnerFactory, FocalPointFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 12, 1, 2, tzinfo=datetime.UTC), tick=False)
def test_the_digest_links_each_action_to_its_proposal_form_and_counts_pending_and_returned(member_user, settings):
    settings.SITE_URL = "https://balitrack.example.org"
    indonesia = Member.objects.get(code="ID")
    FocalPointFactory(member=indonesia, email="id@example.org")
    overdue = ActionFactory(status="in_progress", progress=10, target_date=datetime.date(2026, 6, 30))
    ActionOwnerFactory(action=overdue, member=indonesia, role=ActionOwner.Role.LEAD)
    fields = {"member": indonesia, "proposed_by": member_user, "based_on_version": 0, "status": "in_progress"}
    # One returned and answered by a newer one, which is pending; one returned and left so.
    Proposal.objects.create(
        action=overdue,
        proposed_at="2026-11-01T00:00Z",
        progress=20,
        state="returned",
        reviewed_by=member_user,
        return_reason="Which workshop?",
        **fields,
    )
    Proposal.objects.create(action=overdue, proposed_at="2026-11-02T00:00Z", progress=20, **fields)
    other = ActionFactory(initiative=overdue.initiative)
    Proposal.objects.create(
        action=other,
        proposed_at="2026-11-03T00:00Z",
        progress=5,
        state="returned",
        reviewed_by=member_user,
        return_reason="No part.",
        **fields,
    )

    call_command("send_review_reminders")

    digest = next(m for m in mail.outbox if m.subject.startswith("BaliTrack:"))
    link = f"https://balitrack.example.org/proposals/actions/{overdue.pk}/"
    assert f"Propose an update: {link}" in digest.body
    assert "Indonesia's proposed updates: 1 waiting for the Secretariat, 1 returned and not yet proposed again" in (
        digest.body
    )
    html = digest.alternatives[0][0]
    assert f'<a href="{link}">Propose an update</a>' in html
    assert "<strong>1</strong> waiting for the Secretariat, <strong>1</strong> returned" in html
