import tempfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from actions.access import can_record_update, get_action_for_update, get_action_for_user
from actions.export import HEADER, register_rows
from actions.filters import ActionFilter, LeadRef
from actions.forms import StatusUpdateForm
from actions.models import Action
from actions.services import ActionChangedMeanwhile, action_record_update
from actions.spreadsheet import XLSX_CONTENT_TYPE, write_register_sheet
from actions.strategy_switch import strategy_asked, strategy_query
from balitrack.lib.csv_export import stream_csv
from balitrack.lib.pagination import IdsFirstPaginator
from balitrack.lib.querystrings import without_empty
from members.roles import member_of

# Set once a member's user has been shown their own country's actions.
PRESELECTED_SESSION_KEY = "register_lead_preselected"


class ActionRegisterView(FilterView):
    """The action register: every action of a strategy (the current one unless the address
    names another), filtered as the user asks."""

    filterset_class = ActionFilter
    template_name = "actions/action_register.html"
    paginate_by = settings.PAGE_SIZE
    paginator_class = IdsFirstPaginator
    context_object_name = "actions"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The filter form sends every field, empty or not; the same filters without the
        # empty ones make a link short enough to share, and it works without JavaScript.
        query = without_empty(request.GET)
        if query != request.GET:
            return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
        # A member's first visit opens on what their own country leads; after that,
        # the register shows whatever the URL asks, so a shared link means the same to all.
        member = self.member = member_of(request.user)
        if member and not request.GET and not request.session.get(PRESELECTED_SESSION_KEY):
            request.session[PRESELECTED_SESSION_KEY] = True
            return redirect(f"{reverse('actions:register')}?lead={member.code}")
        # An address naming no strategy is not found (404), saying so.
        self.asked = strategy_asked(request)
        return super().get(request, *args, **kwargs)

    def get_filterset_kwargs(self, filterset_class: Any) -> dict[str, Any]:
        return {**super().get_filterset_kwargs(filterset_class), "default_strategy": self.asked.strategy}

    def get_queryset(self) -> Any:
        return Action.objects.for_register()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = without_empty(self.request.GET)
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        query.pop("sort", None)
        context["query_without_sort"] = query.urlencode()
        # The address to share: this page's, already without empty parameters (see get).
        context["share_url"] = self.request.build_absolute_uri()
        context["chips"] = self.filterset.chips()
        context["today"] = timezone.localdate()
        context["strategy"] = self.asked.strategy
        # Who may upload a filled-in sheet: a member's focal point (its member is read above
        # already) or, among staff, the Secretariat (whose permissions the navigation has read).
        context["member"] = self.member
        # Who may change several actions at once (the bulk edit): who records status updates.
        # Staff first, so the permissions are read only for those the navigation reads them for.
        user = self.request.user
        context["bulk_edit"] = user.is_staff and can_record_update(user)
        context["strategy_query"] = strategy_query(self.asked.strategy)
        context["strategy_links"] = self.asked.links(
            lambda strategy: reverse("actions:register") + strategy_query(strategy)
        )
        # Each row with why it is listed, from the owners already prefetched for the page.
        through = self.filterset.listed_through()
        context["rows"] = [
            (action, through.reason(_lead_refs(action)) if through else "") for action in context["actions"]
        ]
        return context


def _lead_refs(action: Action) -> list[LeadRef]:
    return [(owner.member_id, owner.body_id, owner.body.name if owner.body else None) for owner in action.leads]


@require_GET
def action_export(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    """The register as CSV, with exactly the filters of the page it was asked from."""
    filterset = _export_filterset(request)
    if filterset is None:
        return HttpResponseRedirect(f"{reverse('actions:register')}?{request.GET.urlencode()}")
    today = timezone.localdate()
    site = request.build_absolute_uri("/")[:-1]
    rows = register_rows(filterset.qs, today=today, site=site, through=filterset.listed_through())
    return stream_csv(f"balitrack-actions-{today:%Y-%m-%d}.csv", HEADER, rows)


@require_GET
def action_export_xlsx(request: HttpRequest) -> FileResponse | HttpResponse:
    """The register as a spreadsheet to fill in and upload again, with the filters and rows of
    the CSV. The workbook is written to a temporary file (openpyxl's write-only mode, one batch
    of rows in memory) and sent from there: an XLSX is a zip, whose directory comes last."""
    filterset = _export_filterset(request)
    if filterset is None:
        return HttpResponseRedirect(f"{reverse('actions:register')}?{request.GET.urlencode()}")
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    write_register_sheet(filterset.qs, site=request.build_absolute_uri("/")[:-1], out=out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"balitrack-actions-{timezone.localdate():%Y-%m-%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def _export_filterset(request: HttpRequest) -> ActionFilter | None:
    """The register's filters for an export, or None (and a message) when they are not valid."""
    asked = strategy_asked(request)
    filterset = ActionFilter(request.GET, queryset=Action.objects.for_register(), default_strategy=asked.strategy)
    if not filterset.is_valid():
        messages.error(request, "The export was not made: " + _errors_as_text(filterset.form.errors))
        return None
    return filterset


@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    form = StatusUpdateForm.for_action(action) if can_record_update(request.user) else None
    return _render_detail(request, action, form)


@require_POST
def action_update_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_update(request.user, pk)
    form = StatusUpdateForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, get_action_for_user(request.user, pk), form, status=400)
    try:
        action_record_update(
            action=action,
            author=request.user,  # type: ignore[arg-type]
            status=form.cleaned_data["status"],
            progress=form.cleaned_data["progress"],
            target_date=form.cleaned_data["target_date"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ActionChangedMeanwhile as changed:
        # Keep what the officer typed, but against the version they have now seen,
        # so saving again is a deliberate choice to replace the other change.
        data = request.POST.copy()
        data["version"] = str(changed.action.version)
        return _render_detail(
            request, get_action_for_user(request.user, pk), StatusUpdateForm(data), conflict=changed, status=409
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_detail(request, get_action_for_user(request.user, pk), form, status=400)
    messages.success(request, "The update was recorded.")
    return redirect(action)


def _render_detail(
    request: HttpRequest,
    action: Action,
    form: StatusUpdateForm | None,
    *,
    conflict: ActionChangedMeanwhile | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "action": action,
        "form": form,
        "conflict": conflict,
        "today": timezone.localdate(),
        "updates": action.updates.all(),
        # The register's links from the page list the action's own strategy's actions.
        "strategy_param": "" if action.strategy.is_current else f"&strategy={action.strategy.slug}",
    }
    return render(request, "actions/action_detail.html", context, status=status)


def _errors_as_text(errors: Any) -> str:
    return "; ".join(f"{field}: {' '.join(messages_)}" for field, messages_ in errors.items())
