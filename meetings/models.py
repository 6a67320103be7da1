"""What the Bali Process met about and decided: meetings, the documents they
adopted, and the numbered decisions in those documents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from balitrack.lib.codes import CODE_MESSAGE, code_is_safe
from members.models import Body, Forum, ForumMembership, Member


class PillarManager(models.Manager["Pillar"]):
    def get_by_natural_key(self, code: str) -> "Pillar":
        return self.get(code=code)


class Pillar(models.Model):
    """One of the four pillars of the Jakarta Declaration."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(unique=True)

    objects = PillarManager()

    class Meta:
        ordering = ["order"]
        constraints = [
            # The register narrows to a pillar with ?pillar=<code> (balitrack.lib.codes).
            models.CheckConstraint(
                name="meetings_pillar_code_safe",
                violation_error_message=CODE_MESSAGE,
                condition=code_is_safe("code"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class MeetingManager(models.Manager["Meeting"]):
    def get_by_natural_key(self, slug: str) -> "Meeting":
        return self.get(slug=slug)


class Meeting(models.Model):
    """A conference, senior officials' meeting, workshop or other gathering, held or planned."""

    class Kind(models.TextChoices):
        MINISTERIAL_CONFERENCE = "ministerial_conference", "Ministerial conference"
        SPECIAL_CONFERENCE = "special_conference", "Special conference"
        SENIOR_OFFICIALS = "senior_officials", "Senior officials' meeting"
        STEERING_GROUP = "steering_group", "Steering Group meeting"
        WORKING_GROUP = "working_group", "Working group meeting"
        WORKSHOP = "workshop", "Workshop"
        ROUNDTABLE = "roundtable", "Roundtable"
        SYMPOSIUM = "symposium", "Symposium"
        COMMEMORATION = "commemoration", "Commemoration"

    class Status(models.TextChoices):
        HELD = "held", "Held"
        PLANNED = "planned", "Planned"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter"
        HALF_YEAR = "half_year", "Half-year"
        YEAR = "year", "Year"
        UNKNOWN = "unknown", "Not given"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    ordinal = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The number in its series: 8 for the 8th AHG SOM."
    )
    forum = models.ForeignKey(
        Forum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text="The forum whose meeting it is (AHG for an AHG SOM).",
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text="The body whose meeting it is (a working group's own meeting).",
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    # Meetings are often dated loosely ("first quarter of 2015"): start_date is the first
    # day of that period and date_precision says how much of it is known. Empty when the
    # record gives no date at all.
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)
    date_text = models.CharField(max_length=200, blank=True, help_text="The date as the record writes it.")
    city = models.CharField(max_length=100, blank=True)
    country = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_held_in",
    )
    notes = models.TextField(blank=True, help_text="Ambiguities in the record and how they were read.")
    attendees: "models.ManyToManyField[Member, MeetingParticipation]" = models.ManyToManyField(
        Member, through="MeetingParticipation", related_name="meetings_attended", blank=True
    )

    objects = MeetingManager()

    class Meta:
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(
                name="meetings_meeting_ends_after_start",
                violation_error_message="A meeting cannot end before it starts.",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
            models.CheckConstraint(
                name="meetings_meeting_ordinal_positive",
                violation_error_message="A meeting's number in its series starts at 1.",
                condition=Q(ordinal__isnull=True) | Q(ordinal__gte=1),
            ),
            # "The 8th AHG SOM" names exactly one meeting. A series is a kind of meeting of
            # one forum or one body; Coalesce makes "no forum" a value, as NULLs never clash.
            models.UniqueConstraint(
                "kind",
                Coalesce("forum", 0),
                Coalesce("body", 0),
                "ordinal",
                name="meetings_meeting_unique_ordinal_in_series",
                violation_error_message="Another meeting of this series (kind, forum, body) already has this number.",
                condition=Q(ordinal__isnull=False),
            ),
            # The meeting's page is /meetings/<slug>/ (balitrack.lib.codes). A SlugField's
            # validator covers forms only; this covers fixtures, the shell and update().
            models.CheckConstraint(
                name="meetings_meeting_slug_safe",
                violation_error_message=CODE_MESSAGE,
                condition=code_is_safe("slug"),
            ),
        ]
        indexes = [
            # The meetings list sorts by date and the dashboard lists the next meetings.
            models.Index(name="meetings_meeting_start_idx", fields=["start_date"]),
            # The meetings list filters by kind.
            models.Index(name="meetings_meeting_kind_idx", fields=["kind", "start_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "A meeting cannot end before it starts."})


class MeetingParticipationManager(models.Manager["MeetingParticipation"]):
    def get_by_natural_key(self, meeting: str, member: str, role: str) -> "MeetingParticipation":
        return self.get(meeting__slug=meeting, member__code=member, role=role)


class MeetingParticipation(models.Model):
    """A member's part in a meeting: host, co-chair, participant or observer."""

    class Role(models.TextChoices):
        HOST = "host", "Host"
        CO_CHAIR = "co_chair", "Co-chair"
        PARTICIPANT = "participant", "Participant"
        OBSERVER = "observer", "Observer"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=Role.choices)
    notes = models.CharField(max_length=300, blank=True)

    objects = MeetingParticipationManager()

    class Meta:
        ordering = ["meeting", "role", "member__name"]
        constraints = [
            models.UniqueConstraint(
                name="meetings_participation_unique_role",
                violation_error_message="This member already has this role at this meeting.",
                fields=["meeting", "member", "role"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_role_display().lower()}, {self.meeting}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.meeting.slug, self.member.code, self.role)

    natural_key.dependencies = ["meetings.meeting", "members.member"]  # type: ignore[attr-defined]


class DocumentManager(models.Manager["Document"]):
    def get_by_natural_key(self, slug: str) -> "Document":
        return self.get(slug=slug)


class Document(models.Model):
    """A text a meeting adopted or recorded: a co-chairs' statement, a declaration, the strategy."""

    class Kind(models.TextChoices):
        CO_CHAIRS_STATEMENT = "co_chairs_statement", "Co-chairs' statement"
        DECLARATION = "declaration", "Declaration"
        STRATEGY = "strategy", "Strategy"
        MEMBERSHIP_LIST = "membership_list", "List of members and participants"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = DocumentManager()

    class Meta:
        ordering = ["date", "title"]
        constraints = [
            # A document is shown at its meeting's page#<slug>.
            models.CheckConstraint(
                name="meetings_document_slug_safe",
                violation_error_message=CODE_MESSAGE,
                condition=code_is_safe("slug"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#{self.slug}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["meetings.meeting"]  # type: ignore[attr-defined]


class DecisionManager(models.Manager["Decision"]):
    def get_by_natural_key(self, document: str, number: str) -> "Decision":
        return self.get(document__slug=document, number=number)


class Decision(models.Model):
    """One numbered paragraph of a co-chairs' statement or declaration, or one lettered
    commitment such as Jakarta Declaration 10.B.c."""

    class Verb(models.TextChoices):
        # Verbs that ask someone to do something: the dashboard looks for actions behind them.
        AGREED = "agreed", "Agreed"
        DIRECTED = "directed", "Directed"
        RECOMMENDED = "recommended", "Recommended"
        ENDORSED = "endorsed", "Endorsed"
        INSTRUCTED = "instructed", "Instructed"
        INVITED = "invited", "Invited"
        URGED = "urged", "Urged"
        ENCOURAGED = "encouraged", "Encouraged"
        COMMITTED = "committed", "Committed"
        SUPPORTED = "supported", "Supported"
        # Verbs that record or acknowledge.
        WELCOMED = "welcomed", "Welcomed"
        NOTED = "noted", "Noted"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        REAFFIRMED = "reaffirmed", "Reaffirmed"
        AFFIRMED = "affirmed", "Affirmed"
        RECOGNISED = "recognised", "Recognised"
        COMMENDED = "commended", "Commended"
        UNDERSCORED = "underscored", "Underscored"
        UNDERLINED = "underlined", "Underlined"
        RECALLED = "recalled", "Recalled"
        REVIEWED = "reviewed", "Reviewed"
        APPRECIATED = "appreciated", "Expressed appreciation"
        RECORDED = "recorded", "Recorded (no operative verb)"

    FOLLOW_UP_VERBS = frozenset(
        {
            Verb.AGREED,
            Verb.DIRECTED,
            Verb.RECOMMENDED,
            Verb.ENDORSED,
            Verb.INSTRUCTED,
            Verb.INVITED,
            Verb.URGED,
            Verb.ENCOURAGED,
            Verb.COMMITTED,
            Verb.SUPPORTED,
        }
    )

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(max_length=16, help_text='As printed: "4", or "10.B.c" for a lettered commitment.')
    position = models.PositiveSmallIntegerField(help_text="Order within the document.")
    section = models.CharField(
        max_length=200, blank=True, help_text='The heading it sits under, e.g. "I. Decisions ...".'
    )
    text = models.TextField()
    verb = models.CharField(max_length=16, choices=Verb.choices, help_text="The paragraph's operative verb.")
    pillar = models.ForeignKey(
        Pillar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="For a Jakarta Declaration commitment, its pillar.",
    )
    members = models.ManyToManyField(Member, related_name="decisions", blank=True, help_text="Members it names.")
    forums = models.ManyToManyField(
        Forum, related_name="decisions", blank=True, help_text="Forums it names (the AHG, the Steering Group...)."
    )
    bodies = models.ManyToManyField(Body, related_name="decisions", blank=True, help_text="Bodies it names.")
    meetings = models.ManyToManyField(
        Meeting, related_name="mentioned_in", blank=True, help_text="Meetings it refers to or announces."
    )
    bodies_established = models.ManyToManyField(
        Body,
        related_name="establishing_decisions",
        blank=True,
        help_text="Bodies this decision set up or whose terms of reference it endorsed.",
    )
    forum_memberships = models.ManyToManyField(
        ForumMembership,
        related_name="decisions",
        blank=True,
        help_text="Seats in a forum this decision granted or endorsed.",
    )
    notes = models.TextField(blank=True)

    objects = DecisionManager()

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(
                name="meetings_decision_unique_number",
                violation_error_message="This document already has a paragraph with this number.",
                fields=["document", "number"],
            ),
            models.UniqueConstraint(
                name="meetings_decision_unique_position",
                violation_error_message="This document already has a paragraph at this position.",
                fields=["document", "position"],
            ),
        ]
        indexes = [
            # The dashboard's mandate coverage looks for follow-up verbs with no action behind them.
            models.Index(name="meetings_decision_verb_idx", fields=["verb"]),
        ]

    def __str__(self) -> str:
        return f"{self.document.title}, para {self.number}"

    def get_absolute_url(self) -> str:
        """The paragraph, in place on its meeting's page."""
        return f"{self.document.meeting.get_absolute_url()}#{self.anchor}"

    def natural_key(self) -> tuple[str, str]:
        return (self.document.slug, self.number)

    natural_key.dependencies = ["meetings.document"]  # type: ignore[attr-defined]

    @property
    def anchor(self) -> str:
        return f"{self.document.slug}-{self.number}".replace(".", "-")

    @property
    def calls_for_follow_up(self) -> bool:
        return self.verb in self.FOLLOW_UP_VERBS
