"""The Strategy for Cooperation and how it is carried out: themes, initiatives,
actions, who owns them, and every change of their status."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from actions.loading.models import LoadedRecord  # noqa: F401 (imported here, Django registers it with this app)
from meetings.models import Decision, Document, Meeting, Pillar
from members import roles
from members.models import Body, BodyMembership, Forum, Member


class StrategyQuerySet(models.QuerySet["Strategy"]):
    def current(self) -> "Strategy | None":
        """The strategy in force (actions_strategy_one_current: at most one), or None."""
        return self.filter(status=Strategy.Status.CURRENT).first()

    def for_switch(self) -> "StrategyQuerySet":
        """Every strategy, latest endorsed first, as the pages' strategy switch lists them."""
        return self.select_related("superseded_by", "superseded_at").order_by("-endorsed_on", "pk")


class StrategyManager(models.Manager["Strategy"]):
    def get_by_natural_key(self, slug: str) -> "Strategy":
        return self.get(slug=slug)


class Strategy(models.Model):
    """A strategy the Ad Hoc Group endorsed (the 2014 Strategy for Cooperation, the 2023
    Adelaide Strategy), its period, whether it is the one in force, and how often it is to
    be reviewed."""

    class Status(models.TextChoices):
        # Endorsed and loaded, with its themes, but not yet the one in force.
        UPCOMING = "upcoming", "Endorsed, not yet current"
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="strategy")
    endorsed_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategies_endorsed",
    )
    endorsed_on = models.DateField()
    review_interval_months = models.PositiveSmallIntegerField(
        default=12, help_text="At most this many months between reviews."
    )
    reviewing_forums = models.ManyToManyField(Forum, related_name="strategies_reviewed", blank=True)
    introduction = models.TextField(blank=True, help_text="The strategy's opening section, word for word.")
    objective = models.TextField(blank=True, help_text="Its objective and the bullets under it, word for word.")
    review_text = models.TextField(blank=True, help_text="What the strategy says of its own review.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CURRENT)
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day of its period: the end it set itself, or the day its successor was endorsed.",
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text="The strategy that replaced it.",
    )
    superseded_at = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategies_superseded",
        help_text="The meeting that replaced it.",
    )

    objects = StrategyManager.from_queryset(StrategyQuerySet)()

    class Meta:
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                name="actions_strategy_review_interval_positive",
                violation_error_message="The review interval is at least one month.",
                condition=Q(review_interval_months__gte=1),
            ),
            # Also the index Strategy.objects.current() is read by, on every dashboard,
            # register and report that is not told which strategy to show.
            models.UniqueConstraint(
                name="actions_strategy_one_current",
                fields=["status"],
                condition=Q(status="current"),
                violation_error_message="Another strategy is current: only one is at a time.",
            ),
            models.CheckConstraint(
                name="actions_strategy_replaced_only_if_superseded",
                condition=Q(status="superseded") | Q(superseded_by__isnull=True, superseded_at__isnull=True),
                violation_error_message="Only a superseded strategy has a strategy and a meeting that replaced it.",
            ),
            models.CheckConstraint(
                name="actions_strategy_not_superseded_by_itself",
                condition=~Q(superseded_by=F("pk")),
                violation_error_message="A strategy cannot supersede itself.",
            ),
            models.CheckConstraint(
                name="actions_strategy_period_order",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("endorsed_on")),
                violation_error_message="A strategy's period ends on or after the day it was endorsed.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def clean(self) -> None:
        if self.status == self.Status.CURRENT:
            other = Strategy.objects.filter(status=self.Status.CURRENT).exclude(pk=self.pk).first()
            if other is not None:
                raise ValidationError(
                    {
                        "status": f"“{other}” is the current strategy, and only one is at a time. Save this one "
                        "as not yet current, then make it current from the strategies list, which marks the "
                        "other as superseded by it."
                    }
                )
        if self.status == self.Status.SUPERSEDED and (self.superseded_by_id is None or self.superseded_at_id is None):
            raise ValidationError(
                {"superseded_by": "A superseded strategy names the strategy and the meeting that replaced it."}
            )
        if self.status != self.Status.SUPERSEDED and (self.superseded_by_id or self.superseded_at_id):
            raise ValidationError(
                {"superseded_by": "Only a superseded strategy has a strategy and a meeting that replaced it."}
            )
        if self.superseded_by_id is not None and self.superseded_by_id == self.pk:
            raise ValidationError({"superseded_by": "A strategy cannot supersede itself."})
        if self.ends_on and self.endorsed_on and self.ends_on < self.endorsed_on:
            raise ValidationError({"ends_on": "A strategy's period ends on or after the day it was endorsed."})

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.CURRENT

    def period_label(self) -> str:
        """ "from 6 August 2014", or "6 August 2014 to 15 February 2023"."""
        if self.ends_on is None:
            return f"from {self.endorsed_on:%-d %B %Y}"
        return f"{self.endorsed_on:%-d %B %Y} to {self.ends_on:%-d %B %Y}"

    def has_review(self, number: int) -> bool:
        """Whether review `number` belongs to the strategy: one falling due after its period
        ended (a superseded strategy's) never comes."""
        return self.ends_on is None or self.review_due(number) <= self.ends_on

    def review_due(self, number: int) -> datetime.date:
        """When review `number` falls due; review 0 is the endorsement itself."""
        return _add_months(self.endorsed_on, self.review_interval_months * number)

    def next_review_due(self, today: datetime.date) -> datetime.date:
        """The first review date after `today`, counting whole intervals from endorsement."""
        number = 1
        while self.review_due(number) <= today:
            number += 1
        return self.review_due(number)

    def review_period(self, year: int) -> tuple[datetime.date, datetime.date] | None:
        """The period the review falling due in `year` looks back on: from the review before
        it (or the endorsement) to it. None when no review falls due that year."""
        number = 1
        while self.review_due(number).year < year:
            number += 1
        if self.review_due(number).year != year:
            return None
        return self.review_due(number - 1), self.review_due(number)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # 31 August plus a month is 30 September, not an error.
    for last_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=last_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class ReviewManager(models.Manager["Review"]):
    def get_by_natural_key(self, strategy: str, number: int) -> "Review":
        return self.get(strategy__slug=strategy, number=number)


class Review(models.Model):
    """One annual review of the strategy by the Steering Group and the AHG: when it falls due
    and, once the secretariat records it, when it was held.

    The reminder scan makes each review as it comes in sight; which review is next, which
    was last and whether one is overdue is worked out in `actions.schedule`."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="reviews")
    number = models.PositiveSmallIntegerField(help_text="1 for the first review after endorsement.")
    due_on = models.DateField(help_text="From the strategy's review interval.")
    held_on = models.DateField(null=True, blank=True, help_text="Set when the review has taken place.")

    objects = ReviewManager()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            # Also the index the schedule reads a strategy's reviews by, latest number first.
            models.UniqueConstraint(
                name="actions_review_unique_number",
                fields=["strategy", "number"],
                violation_error_message="This strategy already has a review with this number.",
            ),
            models.CheckConstraint(
                name="actions_review_number_positive",
                condition=Q(number__gte=1),
                violation_error_message="Reviews are numbered from 1, the first after endorsement.",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.number} of {self.strategy}, due {self.due_on.day} {self.due_on:%B %Y}"

    def natural_key(self) -> tuple[str, int]:
        return (*self.strategy.natural_key(), self.number)

    natural_key.dependencies = ["actions.strategy"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        if not self.strategy_id or not self.number:
            return  # the form says what is missing
        # A review added by hand falls due when the scan's would have.
        if self.due_on is None:
            self.due_on = self.strategy.review_due(self.number)
        if self.held_on is None:
            return
        period_start = self.strategy.review_due(self.number - 1)
        if self.held_on > timezone.localdate():
            raise ValidationError({"held_on": "A review is recorded as held once it has taken place."})
        if self.held_on < period_start:
            raise ValidationError(
                {
                    "held_on": f"Review {self.number} looks back on the period from {period_start:%-d %B %Y}; "
                    "it cannot have been held before it began."
                }
            )


class ThemeManager(models.Manager["Theme"]):
    def get_by_natural_key(self, slug: str) -> "Theme":
        return self.get(slug=slug)


class Theme(models.Model):
    """A heading of the strategy's implementation plan,
    e.g. "Effective information and intelligence sharing"."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="themes")
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField()

    objects = ThemeManager()

    class Meta:
        ordering = ["strategy", "position"]
        constraints = [
            models.UniqueConstraint(
                name="actions_theme_unique_position",
                violation_error_message="This strategy already has a theme at this position.",
                fields=["strategy", "position"],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class InitiativeManager(models.Manager["Initiative"]):
    def get_by_natural_key(self, slug: str) -> "Initiative":
        return self.get(slug=slug)


class Initiative(models.Model):
    """A named initiative under a theme, e.g. "Expansion of RILON", with its "Who:" line."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="initiatives")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(help_text="The strategy's paragraph introducing the initiative.")
    who = models.TextField(help_text='The "Who:" line, word for word.')
    is_new_work = models.BooleanField(default=False, help_text='Marked "(new work)" in the strategy.')
    position = models.PositiveSmallIntegerField()

    objects = InitiativeManager()

    class Meta:
        ordering = ["theme", "position"]
        constraints = [
            models.UniqueConstraint(
                name="actions_initiative_unique_position",
                violation_error_message="This theme already has an initiative at this position.",
                fields=["theme", "position"],
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


# The order of the strategy document: theme, initiative, bullet.
STRATEGY_ORDER = ("initiative__theme__position", "initiative__position", "number")


class ActionQuerySet(models.QuerySet["Action"]):
    def still_open(self) -> "ActionQuerySet":
        return self.exclude(status__in=Action.CLOSED_STATUSES)

    def overdue(self, today: datetime.date) -> "ActionQuerySet":
        return self.still_open().filter(target_date__lt=today)

    def stale(self, today: datetime.date) -> "ActionQuerySet":
        """Open actions with no update for over six months."""
        return self.still_open().filter(Q(updated_at__isnull=True) | Q(updated_at__lt=Action.stale_since(today)))

    def updated_since(self, since: datetime.datetime) -> "ActionQuerySet":
        return self.filter(updated_at__gte=since)

    def led_by(self, member: Member, *, via_bodies: bool = False) -> "ActionQuerySet":
        """Actions the member leads or co-leads; with `via_bodies`, also those led by a
        body the member co-chairs or co-manages."""
        leading = ActionOwner.objects.filter(role__in=ActionOwner.LEADING_ROLES)
        owners = Q(member=member)
        if via_bodies:
            owners |= Q(
                body__memberships__member=member,
                body__memberships__role__in=BodyMembership.LEADING_ROLES,
            )
        # A subquery rather than a join, so an action led two ways is listed once
        # without DISTINCT, which would break ordering by related columns.
        return self.filter(pk__in=leading.filter(owners).values("action_id"))

    def owned_by(self, member: Member, *, via_bodies: bool = False) -> "ActionQuerySet":
        """Actions the member has any part in; with `via_bodies`, also those in which a body
        the member co-chairs or co-manages has any part (what the member may propose on, as
        proposals.access.member_parts reads it)."""
        owners = Q(member=member)
        if via_bodies:
            owners |= Q(
                body__memberships__member=member,
                body__memberships__role__in=BodyMembership.LEADING_ROLES,
            )
        return self.filter(pk__in=ActionOwner.objects.filter(owners).values("action_id"))

    def with_body(self, body: Body) -> "ActionQuerySet":
        return self.filter(pk__in=ActionOwner.objects.filter(body=body).values("action_id"))

    def mandated_at(self, meeting: Meeting) -> "ActionQuerySet":
        return self.filter(
            pk__in=Action.mandates.through.objects.filter(decision__document__meeting=meeting).values("action_id")
        )

    def search(self, text: str) -> "ActionQuerySet":
        """Actions whose text, latest note or initiative contains every word.

        Each side of the union is one table, so PostgreSQL answers it from the trigram
        indexes of migration 0005; an OR across the join would read every action.
        """
        queryset = self
        for word in text.split():
            own = Action.objects.filter(Q(text__icontains=word) | Q(status_note__icontains=word))
            initiatives = Initiative.objects.filter(Q(name__icontains=word) | Q(description__icontains=word))
            by_initiative = Action.objects.filter(initiative__in=initiatives)
            matching = own.order_by().values("pk").union(by_initiative.order_by().values("pk"))
            queryset = queryset.filter(pk__in=matching)
        return queryset

    def of_strategy(self, strategy: "Strategy | int") -> "ActionQuerySet":
        return self.filter(initiative__theme__strategy=strategy)

    def for_register(self) -> "ActionQuerySet":
        """What a row of the register shows: initiative, theme and the owners, and the
        status's place in the workflow so that sorting by status reads as progress."""
        status_rank = models.Case(
            *(models.When(status=status, then=rank) for rank, status in enumerate(Action.Status)),
            output_field=models.IntegerField(),
        )
        # Owners read lead first, then co-leads, co-sponsors, support and funders.
        role_rank = models.Case(
            *(models.When(role=role, then=rank) for rank, role in enumerate(ActionOwner.Role)),
            output_field=models.IntegerField(),
        )
        owners = ActionOwner.objects.select_related("member", "body", "forum").order_by(role_rank, "pk")
        return (
            self.select_related("initiative__theme")
            .prefetch_related(models.Prefetch("owners", queryset=owners))
            .annotate(status_rank=status_rank)
        )

    def for_detail(self) -> "ActionQuerySet":
        # Its strategy, and the action it continues with that one's strategy, in the one query.
        return (
            self.for_register()
            .select_related("initiative__theme__strategy", "continues__initiative__theme__strategy")
            .prefetch_related(
                models.Prefetch(
                    "continued_by", queryset=Action.objects.select_related("initiative__theme__strategy").order_by("pk")
                ),
                "pillars",
                # Mandates read oldest first, as the decisions were taken.
                models.Prefetch(
                    "mandates",
                    queryset=Decision.objects.select_related("document__meeting")
                    .order_by("document__date", "position")
                    .prefetch_related(Decision.ending_links()),
                ),
                models.Prefetch(
                    "updates", queryset=ActionUpdate.objects.select_related("author").order_by("-recorded_at")
                ),
            )
        )


class ActionManager(models.Manager["Action"]):
    def get_by_natural_key(self, initiative: str, number: int) -> "Action":
        return self.get(initiative__slug=initiative, number=number)


class Action(models.Model):
    """One "Action:" bullet of the strategy, with where it stands now."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        ON_HOLD = "on_hold", "On hold"
        DISCONTINUED = "discontinued", "Discontinued"

    CLOSED_STATUSES = (Status.COMPLETED, Status.DISCONTINUED)
    # An open action with no update for this long is stale.
    STALE_AFTER = datetime.timedelta(days=183)

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveSmallIntegerField(help_text="Position of the bullet under its initiative, from 1.")
    text = models.TextField(help_text="The bullet, word for word.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent complete, 0 to 100.")
    target_date = models.DateField(null=True, blank=True)
    status_note = models.TextField(blank=True, help_text="What the latest update said.")
    # Set from the latest update.
    updated_at = models.DateTimeField(null=True, blank=True)
    # Counts recorded updates. The status form carries the version it was opened at, and
    # an update made against an older version is refused rather than lost.
    version = models.PositiveIntegerField(default=0, editable=False)
    pillars = models.ManyToManyField(Pillar, related_name="actions", blank=True)
    mandates = models.ManyToManyField(
        Decision,
        related_name="actions",
        blank=True,
        help_text="The decisions that call for this action.",
    )
    # An action an earlier strategy had and a later one carried on: each keeps its own
    # status and history, and each page links to the other.
    continues = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_by",
        help_text="The action of an earlier strategy this one carries on.",
    )

    objects = ActionManager.from_queryset(ActionQuerySet)()

    class Meta:
        ordering = list(STRATEGY_ORDER)
        constraints = [
            models.UniqueConstraint(
                name="actions_action_unique_number",
                violation_error_message="This initiative already has an action with this number.",
                fields=["initiative", "number"],
            ),
            models.CheckConstraint(
                name="actions_action_number_positive",
                violation_error_message="Actions are numbered from 1.",
                condition=Q(number__gte=1),
            ),
            models.CheckConstraint(
                name="actions_action_progress_range",
                violation_error_message="Progress is a percentage from 0 to 100.",
                condition=Q(progress__lte=100),
            ),
            models.CheckConstraint(
                name="actions_action_completed_is_100",
                violation_error_message="A completed action is 100% done.",
                condition=~Q(status="completed") | Q(progress=100),
            ),
            models.CheckConstraint(
                name="actions_action_continues_another",
                violation_error_message="An action cannot continue itself.",
                condition=~Q(continues=F("pk")),
            ),
        ]
        indexes = [
            # The register filters by status and the dashboard counts by it.
            models.Index(name="actions_action_status_idx", fields=["status"]),
            # The register's target-date range and the overdue filter.
            models.Index(name="actions_action_target_idx", fields=["target_date"]),
            # The dashboard's "updated in the last 90 days" and "stale" figures.
            models.Index(name="actions_action_updated_idx", fields=["updated_at"]),
            # The register's theme, initiative and new-work filters: the chosen initiatives'
            # actions in bullet order, ids included so the page's id subquery reads no rows.
            models.Index(name="actions_action_order_idx", fields=["initiative", "number"], include=["id"]),
            # The register's progress sort.
            models.Index(name="actions_action_progress_idx", fields=["progress"]),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.name} — action {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", args=[self.pk])

    @property
    def leads(self) -> list["ActionOwner"]:
        """The lead and co-lead rows, from the prefetched owners."""
        return [owner for owner in self.owners.all() if owner.role in ActionOwner.LEADING_ROLES]

    def natural_key(self) -> tuple[str, int]:
        return (self.initiative.slug, self.number)

    natural_key.dependencies = ["actions.initiative"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        if self.progress is not None and self.progress > 100:
            raise ValidationError({"progress": "Progress is a percentage from 0 to 100."})
        if self.status == self.Status.COMPLETED and self.progress != 100:
            raise ValidationError({"progress": "A completed action is 100% done."})
        if self.continues_id is not None and self.initiative_id is not None:
            self._clean_continues()

    def _clean_continues(self) -> None:
        """What an action continues is an action of an earlier strategy (one query)."""
        if self.continues_id == self.pk:
            raise ValidationError({"continues": "An action cannot continue itself."})
        earlier = (
            Strategy.objects.filter(themes__initiatives__actions=self.continues_id).values("pk", "endorsed_on").first()
        )
        own = Strategy.objects.filter(themes__initiatives=self.initiative_id).values("pk", "endorsed_on").first()
        if earlier and own and (earlier["pk"] == own["pk"] or earlier["endorsed_on"] >= own["endorsed_on"]):
            raise ValidationError(
                {"continues": "An action continues one of an earlier strategy, not one of its own or a later one."}
            )

    @property
    def strategy(self) -> "Strategy":
        """Its strategy, through the initiative and theme (select_related them)."""
        return self.initiative.theme.strategy

    @classmethod
    def stale_since(cls, today: datetime.date) -> datetime.datetime:
        """The moment before which a last update makes an open action stale."""
        midnight = datetime.datetime.combine(today, datetime.time.min)
        return timezone.make_aware(midnight) - cls.STALE_AFTER

    def is_overdue(self, today: datetime.date) -> bool:
        return self.target_date is not None and self.target_date < today and self.status not in self.CLOSED_STATUSES


class ActionOwnerManager(models.Manager["ActionOwner"]):
    def get_by_natural_key(self, initiative: str, number: int, kind: str, code: str) -> "ActionOwner":
        if kind not in ActionOwner.OWNER_KINDS:
            raise ActionOwner.DoesNotExist(f"Unknown owner kind {kind!r}.")
        return self.get(action__initiative__slug=initiative, action__number=number, **{f"{kind}__code": code})


class ActionOwner(models.Model):
    """Who carries an action and in what role: a member, a body or a whole forum.

    "RSO, co-sponsored by Indonesia and New Zealand" is three rows: the RSO as lead,
    Indonesia and New Zealand as co-sponsors.
    """

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        CO_LEAD = "co_lead", "Co-lead"
        CO_SPONSOR = "co_sponsor", "Co-sponsor"
        SUPPORT = "support", "Support"
        FUNDER = "funder", "Funder"

    OWNER_KINDS = ("member", "body", "forum")
    LEADING_ROLES = (Role.LEAD, Role.CO_LEAD)

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="owners")
    role = models.CharField(max_length=12, choices=Role.choices)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="action_roles")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, null=True, blank=True, related_name="action_roles")
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, null=True, blank=True, related_name="action_roles")
    notes = models.CharField(max_length=300, blank=True, help_text="The words of the Who: line this row stands for.")

    objects = ActionOwnerManager()

    class Meta:
        ordering = ["action", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                name="actions_actionowner_exactly_one_owner",
                violation_error_message="Choose exactly one owner: a member, a body or a forum.",
                condition=(
                    Q(member__isnull=False, body__isnull=True, forum__isnull=True)
                    | Q(member__isnull=True, body__isnull=False, forum__isnull=True)
                    | Q(member__isnull=True, body__isnull=True, forum__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                name="actions_actionowner_unique_member",
                violation_error_message="This member already has a part in this action.",
                fields=["action", "member"],
                condition=Q(member__isnull=False),
            ),
            models.UniqueConstraint(
                name="actions_actionowner_unique_body",
                violation_error_message="This body already has a part in this action.",
                fields=["action", "body"],
                condition=Q(body__isnull=False),
            ),
            models.UniqueConstraint(
                name="actions_actionowner_unique_forum",
                violation_error_message="This forum already has a part in this action.",
                fields=["action", "forum"],
                condition=Q(forum__isnull=False),
            ),
        ]
        indexes = [
            # The register's lead-country filter goes from member to actions by role.
            models.Index(name="actions_owner_member_role_idx", fields=["member", "role"]),
            # The register's working-group filter goes from body to actions.
            models.Index(name="actions_owner_body_role_idx", fields=["body", "role"]),
        ]

    def __str__(self) -> str:
        return f"{self.owner} ({self.get_role_display().lower()})"

    def natural_key(self) -> tuple[str, int, str, str]:
        return (*self.action.natural_key(), self.owner_kind, self.owner.code)

    natural_key.dependencies = ["actions.action"]  # type: ignore[attr-defined]

    @property
    def owner_kind(self) -> str:
        for kind in self.OWNER_KINDS:
            if getattr(self, f"{kind}_id") is not None:
                return kind
        raise ValueError("An action owner needs a member, a body or a forum.")

    @property
    def owner(self) -> Member | Body | Forum:
        owner: Member | Body | Forum = getattr(self, self.owner_kind)
        return owner

    # "Exactly one owner" is the constraint actions_actionowner_exactly_one_owner, whose own
    # message full_clean() shows; a clean() saying it again showed the sentence twice.


class ActionUpdateManager(models.Manager["ActionUpdate"]):
    def get_by_natural_key(self, initiative: str, number: int, recorded_at: str) -> "ActionUpdate":
        return self.get(action__initiative__slug=initiative, action__number=number, recorded_at=recorded_at)


class ActionUpdate(models.Model):
    """One recorded change of an action's status, progress or target date. Appended, never edited."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    recorded_at = models.DateTimeField()
    # Empty for the baseline taken from the record itself rather than entered by a user.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_updates",
    )
    previous_status = models.CharField(max_length=16, choices=Action.Status.choices, blank=True)
    status = models.CharField(max_length=16, choices=Action.Status.choices)
    previous_progress = models.PositiveSmallIntegerField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField()
    # The target date the update replaced, so the history can say a date was moved or removed.
    previous_target_date = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    # Putting work on hold or dropping it is a decision someone must be able to explain later.
    STATUSES_NEEDING_NOTE = (Action.Status.ON_HOLD, Action.Status.DISCONTINUED)

    objects = ActionUpdateManager()

    class Meta:
        ordering = ["action", "-recorded_at"]
        get_latest_by = "recorded_at"
        constraints = [
            models.CheckConstraint(
                name="actions_actionupdate_progress_range",
                violation_error_message="Progress is a percentage from 0 to 100.",
                condition=Q(progress__lte=100),
            ),
            models.CheckConstraint(
                name="actions_actionupdate_completed_is_100",
                violation_error_message="A completed action is 100% done.",
                condition=~Q(status="completed") | Q(progress=100),
            ),
            models.UniqueConstraint(
                name="actions_actionupdate_unique_time",
                violation_error_message="This action already has an update recorded at this moment.",
                fields=["action", "recorded_at"],
            ),
        ]
        indexes = [
            # The dashboard's "changed since the last review" and the review report's period.
            models.Index(name="actions_update_recorded_idx", fields=["recorded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_status_display()} ({self.progress}%) on {self.recorded_at:%Y-%m-%d}"

    def natural_key(self) -> tuple[str, int, str]:
        return (*self.action.natural_key(), self.recorded_at.isoformat())

    natural_key.dependencies = ["actions.action"]  # type: ignore[attr-defined]

    @property
    def is_baseline(self) -> bool:
        """The first row of an action's history, which replaced no earlier state."""
        return not self.previous_status

    @property
    def target_date_changed(self) -> bool:
        return not self.is_baseline and self.previous_target_date != self.target_date

    @property
    def author_name(self) -> str:
        """Who recorded the update, as every history names them: see members.roles.display_name."""
        if self.author is None:
            return "From the record"
        # Only the Secretariat records updates (actions.access), so an author without a
        # name is named as one, without a query for their groups on each row.
        return roles.display_name(self.author, acting_as=roles.Role.SECRETARIAT)

    def clean(self) -> None:
        if self.progress is not None and self.progress > 100:
            raise ValidationError({"progress": "Progress is a percentage from 0 to 100."})
        if self.status == Action.Status.COMPLETED and self.progress != 100:
            raise ValidationError({"progress": "A completed action is 100% done."})
        if self.status in self.STATUSES_NEEDING_NOTE and not self.note.strip():
            raise ValidationError({"note": "Say why the action is on hold or discontinued."})


class RecordVersion(models.Model):
    """A token that changes with every change to the record, so that a cached page can tell
    whether it is still true. Two rows, the whole record's and the register's choice lists'
    (`actions.record_version`), each replaced in the same transaction as the change; the
    dashboard's cache key and the register's drop-downs include them."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


# Defined beside its service; imported here so that Django registers it with this app.
from actions.review_print import ReviewPrint  # noqa: E402, F401
from actions.tally import DashboardTally  # noqa: E402, F401
