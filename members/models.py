"""Who takes part in the Bali Process: members, the forums they sit in,
the bodies they run, and the people reminders go to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from balitrack.lib.codes import CODE_MESSAGE, code_is_safe, validate_code


class MemberQuerySet(models.QuerySet["Member"]):
    def find(self, name: str) -> "Member":
        """The member a document means by `name`, whichever spelling it uses."""
        return self.get(Q(name__iexact=name) | Q(code__iexact=name) | Q(aliases__name__iexact=name))

    def to_remind(self, forum_codes: list[str]) -> "MemberQuerySet":
        """Members whom review reminders concern: those seated in the given forums (the
        Steering Group), and the Bali Process co-chairs."""
        seated = Q(forum_memberships__forum__code__in=forum_codes)
        co_chairs = Q(forum_memberships__forum__code="BP", forum_memberships__role="co_chair")
        return self.filter(pk__in=Member.objects.filter(seated | co_chairs).values("pk"))

    def without_focal_point(self) -> "MemberQuerySet":
        return self.exclude(pk__in=FocalPoint.objects.filter(is_active=True).values("member_id"))


class MemberManager(models.Manager["Member"]):
    def get_by_natural_key(self, code: str) -> "Member":
        return self.get(code=code)


class Member(models.Model):
    """A country, territory or organisation that takes part in the Bali Process."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        TERRITORY = "territory", "Territory"
        ORGANISATION = "organisation", "International organisation"

    code = models.CharField(
        max_length=12,
        unique=True,
        validators=[validate_code],
        help_text="ISO 3166 alpha-2 for countries and territories; the acronym for organisations.",
    )
    name = models.CharField(max_length=200, unique=True, help_text="The name the record uses.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Hong Kong SAR and Macau SAR are China's, New Caledonia is France's.
    sovereign = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="territories",
        help_text="For a territory, the country it belongs to.",
    )
    notes = models.TextField(blank=True)

    objects = MemberManager.from_queryset(MemberQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="members_member_only_territories_have_sovereign",
                violation_error_message="Only a territory has a sovereign (the country it belongs to).",
                condition=Q(sovereign__isnull=True) | Q(kind="territory"),
            ),
            # The member's page is /members/<code>/ (balitrack.lib.codes).
            models.CheckConstraint(
                name="members_member_code_safe",
                violation_error_message=CODE_MESSAGE,
                condition=code_is_safe("code"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.code])

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class MemberAliasManager(models.Manager["MemberAlias"]):
    def get_by_natural_key(self, name: str) -> "MemberAlias":
        return self.get(name=name)


class MemberAlias(models.Model):
    """Another spelling the documents use for a member ("Vietnam", "Laos PDR")."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, unique=True)

    objects = MemberAliasManager()

    class Meta:
        verbose_name_plural = "member aliases"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (= {self.member.name})"

    def natural_key(self) -> tuple[str]:
        return (self.name,)


class ForumManager(models.Manager["Forum"]):
    def get_by_natural_key(self, code: str) -> "Forum":
        return self.get(code=code)


class Forum(models.Model):
    """A circle of members: the Bali Process itself, the Ad Hoc Group, the Steering Group,
    or one of the lists of other participants."""

    code = models.CharField(max_length=12, unique=True, validators=[validate_code])
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists.")

    objects = ForumManager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            # The members list narrows to a forum with ?forum=<code>.
            models.CheckConstraint(
                name="members_forum_code_safe",
                violation_error_message=CODE_MESSAGE,
                condition=code_is_safe("code"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('members:list')}?forum={self.code}"

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class ForumMembershipManager(models.Manager["ForumMembership"]):
    def get_by_natural_key(self, forum: str, member: str, role: str) -> "ForumMembership":
        return self.get(forum__code=forum, member__code=member, role=role)


class ForumMembership(models.Model):
    """A member's seat in a forum, with its role and, where known, since when."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        CO_CHAIR = "co_chair", "Co-chair"
        OBSERVER = "observer", "Observer"
        PARTICIPANT = "participant", "Participant"

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="forum_memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(null=True, blank=True)
    basis = models.CharField(
        max_length=300,
        blank=True,
        help_text='What the record says of how the seat was given, e.g. "as endorsed at 8th AHG SOM".',
    )
    notes = models.TextField(blank=True)

    objects = ForumMembershipManager()

    class Meta:
        ordering = ["forum__order", "member__name"]
        constraints = [
            models.UniqueConstraint(
                name="members_forummembership_unique_role",
                violation_error_message="This member already holds this role in this forum.",
                fields=["forum", "member", "role"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_role_display().lower()} of {self.forum}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.forum.code, self.member.code, self.role)

    natural_key.dependencies = ["members.forum", "members.member"]  # type: ignore[attr-defined]


class BodyManager(models.Manager["Body"]):
    def get_by_natural_key(self, code: str) -> "Body":
        return self.get(code=code)


class Body(models.Model):
    """A working group, office, network or committee set up within the Bali Process."""

    class Kind(models.TextChoices):
        OFFICE = "office", "Office"
        WORKING_GROUP = "working_group", "Working group"
        NETWORK = "network", "Network"
        PARTNERSHIP = "partnership", "Partnership"
        COMMITTEE = "committee", "Committee"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        TOR_ENDORSED = "tor_endorsed", "Terms of reference endorsed"
        OPERATIONAL = "operational", "Operational"
        CONCLUDED = "concluded", "Concluded"

    code = models.CharField(max_length=24, unique=True, validators=[validate_code])
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    forum = models.ForeignKey(
        Forum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        help_text="The forum that leads it (most bodies are led by the Ad Hoc Group).",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The body this one works under (the RSO–JCLEC partnership is the RSO's).",
    )
    description = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    objects = BodyManager()

    class Meta:
        verbose_name_plural = "bodies"
        ordering = ["name"]
        constraints = [
            # The group's page is /groups/<code>/.
            models.CheckConstraint(
                name="members_body_code_safe",
                violation_error_message=CODE_MESSAGE,
                condition=code_is_safe("code"),
            ),
        ]
        indexes = [
            # The groups list and the register's working-group filter narrow by status.
            models.Index(name="members_body_status_idx", fields=["status"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:group-detail", args=[self.code])

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class BodyMembershipManager(models.Manager["BodyMembership"]):
    def get_by_natural_key(self, body: str, member: str, role: str) -> "BodyMembership":
        return self.get(body__code=body, member__code=member, role=role)


class BodyMembership(models.Model):
    """A member's part in a body: co-chair, co-manager, host, partner or member."""

    class Role(models.TextChoices):
        CO_CHAIR = "co_chair", "Co-chair"
        CO_MANAGER = "co_manager", "Co-manager"
        HOST = "host", "Host"
        PARTNER = "partner", "Partner"
        MEMBER = "member", "Member"

    # The roles that run a body: its actions count as theirs in the register's lead filter.
    LEADING_ROLES = (Role.CO_CHAIR, Role.CO_MANAGER)

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="body_memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    since = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = BodyMembershipManager()

    class Meta:
        ordering = ["body__name", "role", "member__name"]
        constraints = [
            models.UniqueConstraint(
                name="members_bodymembership_unique_role",
                violation_error_message="This member already holds this role in this body.",
                fields=["body", "member", "role"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_role_display().lower()} of {self.body}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.body.code, self.member.code, self.role)

    natural_key.dependencies = ["members.body", "members.member"]  # type: ignore[attr-defined]


class FocalPoint(models.Model):
    """A named contact of a member: the people BaliTrack's reminders go to.

    The record names no people, so these are entered by the secretariat.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="focal_points")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True, help_text="Position and agency.")
    email = models.EmailField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["member__name", "name"]
        constraints = [
            models.UniqueConstraint(
                name="members_focalpoint_unique_email_per_member",
                violation_error_message="This member already has a focal point with this e-mail address.",
                fields=["member", "email"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.member})"


class Profile(models.Model):
    """What BaliTrack knows of a user beyond their account: the member they speak for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="For a user of the Members group: the member country or organisation they belong to.",
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.member or 'no member'})"
