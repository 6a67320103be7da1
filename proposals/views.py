from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.models import Action
from actions.services import ActionChangedMeanwhile
from members.roles import Role, display_name
from proposals.access import (
    ProposingRights,
    can_review,
    get_action_for_proposal,
    get_proposal_for_review,
    get_queue_for_user,
    visible_proposals,
)
from proposals.forms import AcceptForm, ProposalForm, ReturnForm
from proposals.models import Proposal
from proposals.services import ProposalAlreadyReviewed, proposal_accept, proposal_return, proposal_submit


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal form of one action (the action page shows the same form), and its submit."""
    action, rights = get_action_for_proposal(request.user, pk)
    if request.method == "GET":
        form = ProposalForm.for_proposal(action, members=rights.members, on_behalf=rights.on_behalf)
        return _render_propose(request, action, rights, form)
    form = ProposalForm(request.POST, members=rights.members, on_behalf=rights.on_behalf)
    if not form.is_valid():
        return _render_propose(request, action, rights, form, status=400)
    member = form.proposing_for
    assert member is not None
    try:
        proposal_submit(
            action=action,
            proposer=request.user,  # type: ignore[arg-type]
            member=member,
            on_behalf=rights.on_behalf,
            leading=member.pk in rights.leading_ids,
            status=form.cleaned_data["status"],
            progress=form.cleaned_data["progress"],
            target_date=form.cleaned_data["target_date"],
            note=form.cleaned_data["note"],
            evidence_url=form.cleaned_data["evidence_url"],
            based_on_version=form.cleaned_data["version"],
        )
    except ActionChangedMeanwhile as changed:
        # As on the action page: the text is kept, against the version now shown.
        data = request.POST.copy()
        data[form.add_prefix("version")] = str(changed.action.version)
        again = ProposalForm(data, members=rights.members, on_behalf=rights.on_behalf)
        return _render_propose(request, changed.action, rights, again, conflict=changed, status=409)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_propose(request, action, rights, form, status=400)
    messages.success(request, f"Your proposal for {member} was sent to the Secretariat, which accepts or returns it.")
    return redirect(action)


def _render_propose(
    request: HttpRequest,
    action: Action,
    rights: ProposingRights,
    form: ProposalForm,
    *,
    conflict: ActionChangedMeanwhile | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "action": action,
        "rights": rights,
        "form": form,
        "conflict": conflict,
        "proposals": list(visible_proposals(request.user, action, rights)[:10]),
    }
    return render(request, "proposals/proposal_form.html", context, status=status)


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The Secretariat's queue of pending proposals, oldest first; the co-chairs read it."""
    get_queue_for_user(request.user)
    return _render_queue(request)


def _render_queue(
    request: HttpRequest, *, refused: Proposal | None = None, return_form: ReturnForm | None = None, status: int = 200
) -> HttpResponse:
    paginator = Paginator(Proposal.objects.for_queue(), settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    reviewer = can_review(request.user)
    rows = [
        {
            "proposal": proposal,
            "return_form": return_form
            if refused is not None and proposal.pk == refused.pk
            else ReturnForm(prefix=f"return-{proposal.pk}"),
            # Two-key closing: the officer who proposed a closing leaves its acceptance to another.
            "own_closing": settings.TWO_KEY_CLOSING and proposal.closes and proposal.proposed_by_id == request.user.pk,
        }
        for proposal in page.object_list
    ]
    context = {
        "page_obj": page,
        "paginator": paginator,
        "rows": rows,
        "reviewer": reviewer,
        "two_key": settings.TWO_KEY_CLOSING,
    }
    return render(request, "proposals/proposal_queue.html", context, status=status)


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_review(request.user, pk)
    form = AcceptForm(request.POST, prefix=f"accept-{proposal.pk}")
    if not form.is_valid():
        messages.error(
            request, "Not accepted: the page did not say which version of the action you saw. Reload it and try again."
        )
        return _render_queue(request, status=400)
    try:
        proposal_accept(proposal=proposal, officer=request.user, expected_version=form.cleaned_data["version"])  # type: ignore[arg-type]
    except ActionChangedMeanwhile as changed:
        latest = changed.latest
        said = (
            f" {latest.author_name} recorded {latest.get_status_display()}, {latest.progress}% on "
            f"{timezone.localtime(latest.recorded_at):%-d %B %Y, %H:%M}."
            if latest
            else ""
        )
        messages.error(
            request,
            f"Not accepted: {changed.action} was updated after you opened the queue.{said} "
            "The proposal is shown against it below; accept it again if it still stands.",
        )
        return _render_queue(request, status=409)
    except ProposalAlreadyReviewed as done:
        messages.error(request, str(done))
        return _render_queue(request, status=409)
    except ValidationError as error:
        messages.error(request, "Not accepted: " + " ".join(error.messages))
        return _render_queue(request, status=400)
    messages.success(
        request,
        f"Accepted: {proposal.member}'s update is now in the history of {proposal.action}.",
    )
    return redirect(reverse("proposals:queue"))


@require_POST
def return_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_review(request.user, pk)
    form = ReturnForm(request.POST, prefix=f"return-{proposal.pk}")
    if not form.is_valid():
        return _render_queue(request, refused=proposal, return_form=form, status=400)
    try:
        proposal_return(proposal=proposal, officer=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
    except ProposalAlreadyReviewed as done:
        messages.error(request, str(done))
        return _render_queue(request, status=409)
    proposer = display_name(proposal.proposed_by, acting_as=Role.SECRETARIAT if proposal.on_behalf else Role.MEMBERS)
    messages.success(request, f"Returned to {proposer} ({proposal.member}) with your reason.")
    return redirect(reverse("proposals:queue"))
