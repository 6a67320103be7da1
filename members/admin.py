from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User

from balitrack.lib.admin import RecordAdmin, RecordStackedInline, RecordTabularInline
from members.models import Body, BodyMembership, FocalPoint, Forum, ForumMembership, Member, MemberAlias, Profile
from members.roles import Role


class MemberAliasInline(RecordTabularInline):
    model = MemberAlias
    extra = 0


class ForumMembershipInline(RecordTabularInline):
    model = ForumMembership
    extra = 0
    autocomplete_fields = ["member", "forum"]
    fields = ["forum", "member", "role", "since", "basis"]


class BodyMembershipInline(RecordTabularInline):
    model = BodyMembership
    extra = 0
    autocomplete_fields = ["member", "body"]
    fields = ["body", "member", "role", "since", "notes"]


class FocalPointInline(RecordTabularInline):
    model = FocalPoint
    extra = 0
    fields = ["name", "title", "email", "is_active"]


@admin.register(Member)
class MemberAdmin(RecordAdmin):
    list_display = ["name", "code", "kind", "sovereign"]
    list_filter = ["kind", "forum_memberships__forum"]
    search_fields = ["name", "code", "aliases__name"]
    list_select_related = ["sovereign"]
    autocomplete_fields = ["sovereign"]
    inlines = [MemberAliasInline, ForumMembershipInline, BodyMembershipInline, FocalPointInline]


@admin.register(MemberAlias)
class MemberAliasAdmin(RecordAdmin):
    list_display = ["name", "member"]
    search_fields = ["name", "member__name"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]


@admin.register(Forum)
class ForumAdmin(RecordAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]
    inlines = [ForumMembershipInline]


@admin.register(ForumMembership)
class ForumMembershipAdmin(RecordAdmin):
    list_display = ["member", "forum", "role", "since", "basis"]
    list_filter = ["forum", "role"]
    search_fields = ["member__name", "member__code", "forum__name"]
    list_select_related = ["member", "forum"]
    autocomplete_fields = ["member", "forum"]


@admin.register(Body)
class BodyAdmin(RecordAdmin):
    list_display = ["name", "code", "kind", "status", "forum", "co_chairs"]
    list_filter = ["kind", "status", "forum"]
    search_fields = ["name", "code"]
    list_select_related = ["forum"]
    autocomplete_fields = ["forum", "parent"]
    inlines = [BodyMembershipInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("memberships__member")

    @admin.display(description="Co-chairs or co-managers")
    def co_chairs(self, body: Body) -> str:
        leading = {BodyMembership.Role.CO_CHAIR, BodyMembership.Role.CO_MANAGER}
        return ", ".join(m.member.name for m in body.memberships.all() if m.role in leading)


@admin.register(BodyMembership)
class BodyMembershipAdmin(RecordAdmin):
    list_display = ["member", "body", "role", "since"]
    list_filter = ["body", "role"]
    search_fields = ["member__name", "body__name", "body__code"]
    list_select_related = ["member", "body"]
    autocomplete_fields = ["member", "body"]


@admin.register(FocalPoint)
class FocalPointAdmin(RecordAdmin):
    list_display = ["name", "email", "member", "title", "is_active"]
    list_filter = ["is_active", "member__forum_memberships__forum"]
    search_fields = ["name", "email", "member__name", "member__code"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]


class ProfileInline(RecordStackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["member"]
    verbose_name_plural = "BaliTrack profile"


class BaliTrackUserChangeForm(UserChangeForm):
    # The profile inline posts its member alongside this form; a Members user without one
    # could never be shown their own country.
    def clean(self) -> dict:  # type: ignore[type-arg]
        cleaned = super().clean() or {}
        groups = cleaned.get("groups")
        if groups is not None and groups.filter(name=Role.MEMBERS.value).exists():
            member_chosen = self.data.get("profile-0-member")
            if not member_chosen:
                raise forms.ValidationError("A user of the Members group needs a member on their BaliTrack profile.")
        return cleaned


admin.site.unregister(User)


@admin.register(User)
class BaliTrackUserAdmin(UserAdmin):
    """Users, with the member each Members user speaks for."""

    form = BaliTrackUserChangeForm
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "roles"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]
    # Written by Django at sign-up and sign-in, never by a person. As form fields they were
    # shown to the second, so saving a user unchanged cut the microseconds off both.
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())
