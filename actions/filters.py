"""The action register's filters. Each wraps an ActionQuerySet method, and only the
orderings listed here can be asked for."""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone

from actions.models import STRATEGY_ORDER, Action, ActionOwner, Initiative, Strategy, Theme
from actions.record_version import choices_version
from balitrack.lib.querystrings import without_empty
from balitrack.lib.widgets import IsoDateRangeWidget, QuickSelect
from meetings.models import Decision, Meeting, Pillar
from members.models import Body, BodyMembership, Member


# Choices are worked out per request (django-filter calls these with it), so a new
# owner appears in the lists without a restart.
def _leading_members(request: HttpRequest | None) -> Any:
    leads = ActionOwner.objects.filter(member=OuterRef("pk"), role__in=ActionOwner.LEADING_ROLES)
    co_chairs = Body.objects.filter(
        memberships__member=OuterRef("pk"),
        memberships__role__in=BodyMembership.LEADING_ROLES,
    )
    return Member.objects.filter(Exists(leads) | Exists(co_chairs)).order_by("name")


def _members_with_a_part(request: HttpRequest | None) -> Any:
    return Member.objects.filter(Exists(ActionOwner.objects.filter(member=OuterRef("pk")))).order_by("name")


def _mandating_meetings(request: HttpRequest | None) -> Any:
    mandating = Decision.objects.filter(document__meeting=OuterRef("pk"), actions__isnull=False)
    return Meeting.objects.filter(Exists(mandating)).order_by("start_date")


# The drop-downs' options, built once per version of what they list (the same for every
# user); each filter's widget is a copy of this one.
CACHED_SELECT = QuickSelect(version=choices_version)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _day_of(moment: datetime.date | None) -> datetime.date | None:
    return moment.date() if isinstance(moment, datetime.datetime) else moment


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorts as asked, then in the strategy's order, so rows never shuffle between pages."""

    def filter(self, qs: Any, value: Any) -> Any:
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, *STRATEGY_ORDER)


# Each word of a search is one more match over every action's text (a trigram subquery on
# PostgreSQL), so a search of a hundred words could hold the database for a minute.
SEARCH_MAX_WORDS = 6


def _search_words(text: str) -> list[str]:
    """The different words of a search, in order: "a A a" looks for "a" once."""
    words: dict[str, str] = {}
    for word in text.split():
        words.setdefault(word.lower(), word)
    return list(words.values())


def _few_enough_words(text: str) -> None:
    words = len(_search_words(text))
    if words > SEARCH_MAX_WORDS:
        raise forms.ValidationError(
            f"Search for at most {SEARCH_MAX_WORDS} different words; this search has {words}. "
            "The filters narrow the list further."
        )


# How each parameter reads on its chip above the results: "Lead: Indonesia".
CHIP_LABELS = {
    "strategy": "Strategy",
    "q": "Search",
    "lead": "Lead",
    "owner": "Any part",
    "status": "Status",
    "theme": "Theme",
    "initiative": "Initiative",
    "pillar": "Pillar",
    "group": "Group",
    "meeting": "Mandated at",
    "target_after": "Target date from",
    "target_before": "Target date to",
    "updated_after": "Updated from",
    "updated_before": "Updated to",
}
# A ticked box's chip is its own words.
CHIP_TICKS = {
    "via_bodies": "Including the bodies it co-chairs or co-manages",
    "overdue": "Overdue only",
    "stale": "No update for over six months",
    "new_work": '"New work" only',
}


class Chip(NamedTuple):
    """One active filter, and the query string of the same list without it."""

    text: str
    query_without: str


# An action's lead or co-lead row as the reason needs it: (member id, body id, body name).
LeadRef = tuple[int | None, int | None, str | None]


@dataclass(frozen=True)
class ListedThrough:
    """Why an action led by a body is on a member's list with "include bodies": the
    member's part in that body, so a focal point is not left guessing."""

    member_id: int
    # Body id: the member's role in it ("co-manager"; "co-chair and co-manager").
    roles: dict[int, str]

    def reason(self, leads: Iterable[LeadRef]) -> str:
        """ "through the Regional Support Office, as co-manager", or "" when the member
        leads the action itself (that is reason enough) or no body of theirs does."""
        leads = list(leads)
        if any(member_id == self.member_id for member_id, _body_id, _name in leads):
            return ""
        parts = [f"the {name}, as {self.roles[body_id]}" for _, body_id, name in leads if body_id in self.roles]
        return "through " + " and ".join(parts) if parts else ""


class ActionFilter(django_filters.FilterSet):
    """The register's filters. Given a `default_strategy` (the register and the dashboard give
    the current one), an address that names no strategy lists that strategy's actions, and
    the theme and initiative lists offer its own; without one (the API), every strategy's."""

    strategy = django_filters.ModelChoiceFilter(
        queryset=Strategy.objects.order_by("-endorsed_on", "pk"),
        to_field_name="slug",
        field_name="initiative__theme__strategy",
        label="Strategy",
        empty_label="The current strategy",
        widget=CACHED_SELECT,
    )
    q = django_filters.CharFilter(
        method="filter_search", label="Search", max_length=200, validators=[_few_enough_words]
    )
    lead = django_filters.ModelChoiceFilter(
        queryset=_leading_members,
        to_field_name="code",
        method="filter_lead",
        label="Lead country or organisation",
        empty_label="Any",
        widget=CACHED_SELECT,
    )
    via_bodies = django_filters.BooleanFilter(
        method="filter_nothing",
        widget=forms.CheckboxInput,
        label="Include the actions of bodies it co-chairs or co-manages",
        help_text="With a lead: the actions those bodies lead. With any part: those they have any part in.",
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=_members_with_a_part,
        to_field_name="code",
        method="filter_owner",
        label="Any part (lead, co-sponsor, support...)",
        empty_label="Any",
        widget=CACHED_SELECT,
    )
    # One status per action: no duplicates to remove, so no DISTINCT.
    status = django_filters.MultipleChoiceFilter(
        choices=Action.Status.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.order_by("position"),
        to_field_name="slug",
        field_name="initiative__theme",
        label="Theme",
        empty_label="Any",
        widget=CACHED_SELECT,
    )
    initiative = django_filters.ModelChoiceFilter(
        queryset=Initiative.objects.order_by("theme__position", "position"),
        to_field_name="slug",
        empty_label="Any",
        widget=CACHED_SELECT,
    )
    pillar = django_filters.ModelChoiceFilter(
        queryset=Pillar.objects.all(),
        to_field_name="code",
        field_name="pillars",
        label="Jakarta Declaration pillar",
        empty_label="Any",
        widget=CACHED_SELECT,
    )
    group = django_filters.ModelChoiceFilter(
        queryset=Body.objects.order_by("name"),
        to_field_name="code",
        method="filter_group",
        label="Working group or body",
        empty_label="Any",
        widget=CACHED_SELECT,
    )
    meeting = django_filters.ModelChoiceFilter(
        queryset=_mandating_meetings,
        to_field_name="slug",
        method="filter_meeting",
        label="Mandated at",
        empty_label="Any",
        widget=CACHED_SELECT,
    )
    target = django_filters.DateFromToRangeFilter(
        field_name="target_date",
        label="Target date between",
        widget=IsoDateRangeWidget,
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", widget=forms.CheckboxInput, label="Overdue only")
    stale = django_filters.BooleanFilter(
        method="filter_stale", widget=forms.CheckboxInput, label="No update for over six months"
    )
    updated = django_filters.DateFromToRangeFilter(
        method="filter_updated",
        label="Last updated between",
        widget=IsoDateRangeWidget,
    )
    new_work = django_filters.BooleanFilter(
        method="filter_new_work", widget=forms.CheckboxInput, label='"New work" only'
    )
    sort = StableOrderingFilter(
        fields=(
            ("initiative__theme__position", "theme"),
            ("status_rank", "status"),
            ("progress", "progress"),
            ("target_date", "target"),
            ("updated_at", "updated"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Action
        fields: list[str] = []

    queryset: Any

    def __init__(self, *args: Any, default_strategy: Strategy | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The strategy the address names (None when it names one that does not exist: the
        # form says so), or the default.
        asked = self.data.get("strategy") if self.data else None
        shown: Strategy | None
        if not asked or (default_strategy is not None and asked == default_strategy.slug):
            shown = default_strategy
        else:
            shown = Strategy.objects.filter(slug=asked).first()
        self.shown_strategy = shown
        if not asked and default_strategy is not None:
            # Here rather than in a filter: a page with no parameters is not filtered at all.
            self.queryset = self.queryset.of_strategy(default_strategy)
        if shown is not None:
            self.filters["theme"].queryset = Theme.objects.filter(strategy=shown).order_by("position")
            self.filters["initiative"].queryset = Initiative.objects.filter(theme__strategy=shown).order_by(
                "theme__position", "position"
            )
        # One read of the choices' version for all the drop-downs of this request, and only
        # when one is drawn (the CSV export draws none).
        version = functools.cache(choices_version)
        for name, declared in self.filters.items():
            widget = declared.extra.get("widget")
            if isinstance(widget, QuickSelect):
                widget.version = version
                if name in ("theme", "initiative") and shown is not None:
                    # Each strategy's own options, built once per version like the others.
                    widget.options_key = f"{widget.options_key}:{shown.pk}"

    def chips(self) -> list[Chip]:
        """The active filters, one per parameter value (two statuses are two chips), in
        the order of the URL. Removing one starts again at the first page: the list changed."""
        given = without_empty(self.data)
        given.pop("page", None)
        chips = []
        for name, values in given.lists():
            for value in values:
                if name in CHIP_TICKS:
                    text = CHIP_TICKS[name]
                elif name in CHIP_LABELS:
                    text = f"{CHIP_LABELS[name]}: {self._chip_value(name, value)}"
                else:
                    continue  # sort, and anything the register does not read
                rest = given.copy()
                rest.setlist(name, [other for other in values if other != value])
                chips.append(Chip(text, rest.urlencode()))
        return chips

    def _chip_value(self, name: str, value: str) -> str:
        """How the chosen value reads: the member's name, not its code; the raw value
        when the form could not read it, so the user sees what to remove."""
        if name == "status":
            return str(Action.Status(value).label) if value in Action.Status.values else value
        if self.is_valid() and name in self.form.fields and name in self.form.cleaned_data:
            chosen = self.form.cleaned_data[name]
            if chosen is not None and not isinstance(chosen, str):
                return str(chosen)
        return value

    def listed_through(self) -> ListedThrough | None:
        """With a lead and "include bodies", the lead's part in each body it co-chairs or
        co-manages (one query, whatever the number of rows); None otherwise."""
        if not self.is_valid():
            return None
        member = self.form.cleaned_data.get("lead")
        if member is None or not self.form.cleaned_data.get("via_bodies"):
            return None
        roles: dict[int, list[str]] = {}
        # Ordered by role alone: the model's ordering would join bodies and members for nothing.
        memberships = BodyMembership.objects.filter(member=member, role__in=BodyMembership.LEADING_ROLES)
        for body_id, role in memberships.order_by("role").values_list("body_id", "role"):
            roles.setdefault(body_id, []).append(BodyMembership.Role(role).label.lower())
        return ListedThrough(member.pk, {body_id: " and ".join(names) for body_id, names in roles.items()})

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        words = _search_words(value)
        return queryset.search(" ".join(words)) if words else queryset

    def filter_lead(self, queryset: Any, name: str, member: Member | None) -> Any:
        if member is None:
            return queryset
        return queryset.led_by(member, via_bodies=bool(self.form.cleaned_data.get("via_bodies")))

    def filter_nothing(self, queryset: Any, name: str, value: Any) -> Any:
        # via_bodies only changes how `lead` and `owner` filter.
        return queryset

    def filter_owner(self, queryset: Any, name: str, member: Member | None) -> Any:
        if member is None:
            return queryset
        return queryset.owned_by(member, via_bodies=bool(self.form.cleaned_data.get("via_bodies")))

    def filter_group(self, queryset: Any, name: str, body: Body | None) -> Any:
        return queryset.with_body(body) if body else queryset

    def filter_meeting(self, queryset: Any, name: str, meeting: Meeting | None) -> Any:
        return queryset.mandated_at(meeting) if meeting else queryset

    def filter_overdue(self, queryset: Any, name: str, value: bool | None) -> Any:
        # An unticked box means "all actions", not "actions that are not overdue".
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_stale(self, queryset: Any, name: str, value: bool | None) -> Any:
        return queryset.stale(timezone.localdate()) if value else queryset

    def filter_updated(self, queryset: Any, name: str, days: slice | None) -> Any:
        # Whole local days, compared as instants: updated_at__date would cast every row
        # and could not use actions_action_updated_idx.
        # The range comes as the first and last moments of its days; the dates are what the
        # user chose. The calendar's first and last days stand for "no bound": the midnight
        # after 31 December 9999 (or before 1 January 1) is outside what a datetime holds.
        first, last = (_day_of(days.start), _day_of(days.stop)) if days else (None, None)
        if first and first > datetime.date.min:
            queryset = queryset.filter(updated_at__gte=_start_of(first))
        if last and last < datetime.date.max - datetime.timedelta(days=1):
            queryset = queryset.filter(updated_at__lt=_start_of(last + datetime.timedelta(days=1)))
        return queryset

    def filter_new_work(self, queryset: Any, name: str, value: bool | None) -> Any:
        return queryset.filter(initiative__is_new_work=True) if value else queryset
