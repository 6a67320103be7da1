"""What the Bali Process met about and decided: meetings, the documents they
adopted, and the numbered decisions in those documents."""

import re

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


# Addresses under /meetings/ that are pages, not meetings.
RESERVED_SLUGS = ("record",)


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
    delegates = models.PositiveIntegerField(
        null=True, blank=True, help_text='Delegates who attended, as the statement counts them ("303 delegates").'
    )
    attendance_notes = models.TextField(
        blank=True,
        help_text='Who else attended, in the statement\'s words ("representatives of 12 international organisations").',
    )
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
            # /meetings/record/ is the Secretariat's "Record a statement" (meetings/urls.py).
            models.CheckConstraint(
                name="meetings_meeting_slug_not_reserved",
                violation_error_message='"record" names a page of BaliTrack\'s own: choose another slug.',
                condition=~Q(slug__in=RESERVED_SLUGS),
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
    def get_by_natural_key(
        self, meeting: str, member: str | None, role: str, body: str | None = None
    ) -> "MeetingParticipation":
        if member is None:
            return self.get(meeting__slug=meeting, body__code=body, role=role)
        return self.get(meeting__slug=meeting, member__code=member, role=role)


class MeetingParticipation(models.Model):
    """A member's or a body's part in a meeting: host, co-chair, participant or observer
    (the Regional Support Office attends as a body)."""

    class Role(models.TextChoices):
        HOST = "host", "Host"
        CO_CHAIR = "co_chair", "Co-chair"
        PARTICIPANT = "participant", "Participant"
        OBSERVER = "observer", "Observer"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="participations")
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text="A body that took part as itself (the Regional Support Office), instead of a member.",
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    notes = models.CharField(max_length=300, blank=True)

    objects = MeetingParticipationManager()

    class Meta:
        ordering = ["meeting", "role", "member__name", "body__name"]
        constraints = [
            models.CheckConstraint(
                name="meetings_participation_member_or_body",
                violation_error_message="A participant is a member or a body: name one of them, not both.",
                condition=Q(member__isnull=False, body__isnull=True) | Q(member__isnull=True, body__isnull=False),
            ),
            # Coalesce makes "no member" (a body's row) a value, as NULLs never clash.
            models.UniqueConstraint(
                "meeting",
                Coalesce("member", 0),
                Coalesce("body", 0),
                "role",
                name="meetings_participation_unique_role",
                violation_error_message="This participant already has this role at this meeting.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.get_role_display().lower()}, {self.meeting}"

    def natural_key(self) -> tuple[str, ...]:
        # A member's row keeps the key it always had; a body's names the body last.
        if self.body_id is not None and self.body is not None:
            return (self.meeting.slug, None, self.role, self.body.code)  # type: ignore[return-value]
        assert self.member is not None
        return (self.meeting.slug, self.member.code, self.role)

    natural_key.dependencies = ["meetings.meeting", "members.member", "members.body"]  # type: ignore[attr-defined]

    @property
    def participant(self) -> Member | Body:
        return self.member if self.member is not None else self.body  # type: ignore[return-value]


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
    other_meetings = models.ManyToManyField(
        Meeting,
        related_name="joint_documents",
        blank=True,
        help_text="Other meetings this one text records, when meetings were held together.",
    )
    attached_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        help_text="The document this one is annexed to (a declaration attached to a statement).",
    )
    attachment_label = models.CharField(
        max_length=60, blank=True, help_text='As the document it is attached to names it: "Attachment A".'
    )
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
            models.CheckConstraint(
                name="meetings_document_not_attached_to_itself",
                violation_error_message="A document cannot be attached to itself.",
                condition=Q(attached_to__isnull=True) | ~Q(attached_to=F("pk")),
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
    """One part of a co-chairs' statement or declaration, in its order: a numbered
    paragraph, an unnumbered one (a preamble, a closing line), a heading, or a sub-item of a
    paragraph (Jakarta Declaration 10.B.c, a bullet of the 8th AHG SOM's paragraph 11)."""

    class Level(models.TextChoices):
        HEADING = "heading", "Heading"
        PARAGRAPH = "paragraph", "Paragraph"
        SUBITEM = "subitem", "Sub-item"

    class Verb(models.TextChoices):
        # Verbs that ask someone to do something: the dashboard looks for actions behind them.
        AGREED = "agreed", "Agreed"
        DECIDED = "decided", "Decided"
        DIRECTED = "directed", "Directed"
        TASKED = "tasked", "Tasked"
        RECOMMENDED = "recommended", "Recommended"
        ENDORSED = "endorsed", "Endorsed"
        INSTRUCTED = "instructed", "Instructed"
        INVITED = "invited", "Invited"
        URGED = "urged", "Urged"
        ENCOURAGED = "encouraged", "Encouraged"
        COMMITTED = "committed", "Committed"
        SUPPORTED = "supported", "Supported"
        # Verbs that record or acknowledge.
        ADOPTED = "adopted", "Adopted"
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

    # "Decided" and "tasked" set work as "agreed" and "directed" do. "Adopted" takes a text
    # (a declaration, a strategy) whose own paragraphs say what is to be done, so it is not here.
    FOLLOW_UP_VERBS = frozenset(
        {
            Verb.AGREED,
            Verb.DECIDED,
            Verb.DIRECTED,
            Verb.TASKED,
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
    number = models.CharField(
        max_length=40,
        help_text=(
            'How the part is cited within its document, unique in it: "4", "4(b)", "10.B.c"; for a part'
            ' printed without a number, BaliTrack\'s own ("11, bullet 2", "unnumbered paragraph 1", "heading 1").'
        ),
    )
    numbered = models.BooleanField(
        default=True, help_text="Printed with a number of its own (not a bullet, a preamble or a plain heading)."
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.PARAGRAPH)
    # A sub-item is part of its paragraph and goes with it; a paragraph an action's mandate or
    # a link of lineage points at is never removed by an import (meetings.services).
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subitems",
        help_text="For a sub-item, the paragraph it belongs to.",
    )
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
            models.CheckConstraint(
                name="meetings_decision_number_given",
                violation_error_message="A part needs a number to be cited by, if only BaliTrack's own.",
                condition=~Q(number=""),
            ),
            # A sub-item belongs to a paragraph; a paragraph or a heading to none.
            models.CheckConstraint(
                name="meetings_decision_subitem_has_parent",
                violation_error_message="A sub-item belongs to a paragraph, and only a sub-item does.",
                condition=Q(level="subitem", parent__isnull=False) | (~Q(level="subitem") & Q(parent__isnull=True)),
            ),
            models.CheckConstraint(
                name="meetings_decision_not_its_own_parent",
                violation_error_message="A paragraph cannot be a sub-item of itself.",
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
            ),
        ]
        indexes = [
            # The dashboard's mandate coverage looks for follow-up verbs with no action behind them.
            models.Index(name="meetings_decision_verb_idx", fields=["verb"]),
        ]

    def __str__(self) -> str:
        return f"{self.document.title}, {self.citation}"

    def get_absolute_url(self) -> str:
        """The paragraph, in place on its meeting's page."""
        return f"{self.document.meeting.get_absolute_url()}#{self.anchor}"

    def natural_key(self) -> tuple[str, str]:
        return (self.document.slug, self.number)

    natural_key.dependencies = ["meetings.document"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        if self.parent_id is not None and self.parent is not None:
            if self.parent.document_id != self.document_id:
                raise ValidationError({"parent": "A sub-item belongs to a paragraph of the same document."})
            if self.parent.level != self.Level.PARAGRAPH:
                raise ValidationError({"parent": "A sub-item belongs to a paragraph, not to a heading or a sub-item."})

    @property
    def anchor(self) -> str:
        # "10.B.c" keeps the anchor it always had (10-B-c); "11, bullet 2" gives 11-bullet-2.
        return f"{self.document.slug}-{_ANCHOR_UNSAFE.sub('-', self.number).strip('-')}"

    @property
    def citation(self) -> str:
        """The part as the document's readers cite it: "¶4", "¶4(b)", "¶11, bullet 2"; a part
        printed without a number, by BaliTrack's name for it ("unnumbered paragraph 1")."""
        if self.level == self.Level.HEADING or (self.level == self.Level.PARAGRAPH and not self.numbered):
            return self.number
        return f"¶{self.number}"

    @property
    def citation_in_words(self) -> str:
        """The citation as a screen reader says it: "paragraph 4(b)" (it reads "¶" as "pilcrow")."""
        citation = self.citation
        return f"paragraph {citation[1:]}" if citation.startswith("¶") else citation

    @property
    def printed_number(self) -> str | None:
        """The number printed on the part itself: "4" for ¶4, "b" for ¶4(b), "c" for 10.B.c;
        None for a bullet, a preamble or a heading without a numeral."""
        if not self.numbered:
            return None
        found = _LAST_NUMBER.search(self.number)
        return found.group(1) if found else self.number

    @property
    def calls_for_follow_up(self) -> bool:
        return self.verb in self.FOLLOW_UP_VERBS

    @staticmethod
    def ending_links() -> models.Prefetch:
        """The links that end a paragraph's mandate (superseded, closed), to prefetch as
        `ended_by`: every page that quotes a paragraph (_decision_quote.html) flags them.
        A method of the model, so that apps meetings does not know (members) can ask for it."""
        return models.Prefetch(
            "later_lineage",
            queryset=Lineage.objects.filter(kind__in=Lineage.ENDS_MANDATE).select_related(
                "decision__document__meeting"
            ),
            to_attr="ended_by",
        )


_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
# The number a part carries itself is the last run of letters or digits of its citation.
_LAST_NUMBER = re.compile(r"([A-Za-z0-9]+)\)?$")


class Lineage(models.Model):
    """What a later paragraph says of an earlier text: that it reaffirms, recalls, amends,
    supersedes, closes or takes note of an earlier paragraph or of a whole earlier document."""

    class Kind(models.TextChoices):
        REAFFIRMS = "reaffirms", "Reaffirms"
        RECALLS = "recalls", "Recalls"
        AMENDS = "amends", "Amends"
        SUPERSEDES = "supersedes", "Supersedes"
        CLOSES = "closes", "Closes"
        TAKES_NOTE = "takes_note", "Takes note of"

    # The earlier end's words for each kind: "reaffirmed by BPMC6 statement ¶3".
    PASSIVE = {
        Kind.REAFFIRMS: "reaffirmed by",
        Kind.RECALLS: "recalled by",
        Kind.AMENDS: "amended by",
        Kind.SUPERSEDES: "superseded by",
        Kind.CLOSES: "closed by",
        Kind.TAKES_NOTE: "noted by",
    }
    # After these, the earlier mandate no longer stands as it was written: flagged wherever it is quoted.
    ENDS_MANDATE = frozenset({Kind.SUPERSEDES, Kind.CLOSES})

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="lineage", help_text="The later paragraph."
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    earlier_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_lineage",
        help_text="The earlier paragraph it speaks of.",
    )
    earlier_document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_lineage",
        help_text="Or the whole earlier document it speaks of.",
    )
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["decision", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                name="meetings_lineage_one_earlier_text",
                violation_error_message="Name the earlier paragraph or the earlier document, not both.",
                condition=Q(earlier_decision__isnull=False, earlier_document__isnull=True)
                | Q(earlier_decision__isnull=True, earlier_document__isnull=False),
            ),
            models.CheckConstraint(
                name="meetings_lineage_not_itself",
                violation_error_message="A paragraph cannot speak of itself.",
                condition=Q(earlier_decision__isnull=True) | ~Q(earlier_decision=F("decision")),
            ),
            models.UniqueConstraint(
                "decision",
                "kind",
                Coalesce("earlier_decision", 0),
                Coalesce("earlier_document", 0),
                name="meetings_lineage_unique",
                violation_error_message="This paragraph already has this link to that text.",
            ),
        ]
        indexes = [
            # A paragraph's page and the action page read the links that point at a paragraph.
            models.Index(name="meetings_lineage_decision_idx", fields=["earlier_decision"]),
            models.Index(name="meetings_lineage_document_idx", fields=["earlier_document"]),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.get_kind_display().lower()} {self.earlier}"

    def clean(self) -> None:
        earlier_document = self.earlier_decision.document if self.earlier_decision else self.earlier_document
        same_document = earlier_document is not None and earlier_document.pk == self.decision.document_id
        if self.decision_id is not None and same_document:
            raise ValidationError("A link of lineage goes to another document, not to a part of the same one.")

    @property
    def earlier(self) -> "Decision | Document":
        return self.earlier_decision if self.earlier_decision is not None else self.earlier_document  # type: ignore[return-value]

    @property
    def passive(self) -> str:
        return self.PASSIVE[self.Kind(self.kind)]

    @property
    def ends_mandate(self) -> bool:
        return self.kind in self.ENDS_MANDATE
