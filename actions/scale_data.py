"""A large synthetic Bali Process record, for measuring BaliTrack at scale.

Everything is drawn from one random.Random(seed) in a fixed order, so the same seed
and sizes give the same record on any database. The other counts follow from the
number of actions: 100,000 actions make 400 members, 200 bodies, 4,000 meetings,
20,000 decisions and 2,500 initiatives. Rows get explicit ids, counted on from
whatever the tables hold, so the record can be written in bulk without reading
anything back.
"""

import datetime
import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models, transaction

from actions.models import Action, ActionOwner, ActionUpdate, Initiative, Strategy, Theme
from actions.record_version import record_changed
from balitrack.lib.bulk_load import insert_rows, next_id, reset_sequences
from meetings.models import Decision, Document, Meeting, MeetingParticipation, Pillar
from members.models import Body, BodyMembership, FocalPoint, Forum, ForumMembership, Member, Profile
from members.roles import Role

Status = Action.Status
# The history runs over the ten years before this moment; fixed, so the record never
# depends on the day it is generated.
HISTORY_ENDS = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
HISTORY_STARTS = HISTORY_ENDS.replace(year=HISTORY_ENDS.year - 10)
BENCH_PASSWORD = "balitrack-bench-password"
BENCH_SECRETARIAT = "bench-secretariat"
BENCH_MEMBER = "bench-member"
BENCH_CO_CHAIR = "bench-cochair"

_SYLLABLES = ("al", "bar", "cor", "dal", "es", "fen", "gal", "hal", "ist", "jor", "kel", "lum", "mar", "nor")
_ENDINGS = ("nia", "land", "stan", "via", "ria", "desh", "tia", "mor", "gal", "ru", "sia", "ka")
_VERBS = ("Strengthen", "Expand", "Develop", "Review", "Convene", "Establish", "Support", "Train", "Pilot", "Map")
_SUBJECTS = (
    "information sharing on people smuggling",
    "victim identification and referral",
    "biometric data exchange",
    "border management cooperation",
    "RILON reporting",
    "legal frameworks against trafficking in persons",
    "return and reintegration of irregular migrants",
    "safe labour migration pathways",
    "financial intelligence on trafficking proceeds",
    "detection of fraudulent travel documents",
    "the regional cooperation framework",
    "protection of children on the move",
    "monitoring of online recruitment",
    "prosecution of smuggling networks",
    "disembarkation arrangements at sea",
    "consular assistance to victims",
)
_WHERE = (
    "among member states",
    "with the Regional Support Office",
    "across South-East Asia",
    "in the Pacific",
    "in South Asia",
    "with law enforcement agencies",
    "with civil society",
    "with the private sector",
)
_NOTES = (
    "Workshop held; report circulated to members.",
    "Draft guidelines shared with focal points for comment.",
    "Funding confirmed for the next phase.",
    "Awaiting nominations from members.",
    "Training delivered to frontline officers.",
    "Regional consultation convened by the co-chairs.",
    "Progress reported to the Ad Hoc Group.",
    "Data collection under way in participating members.",
)
_HOLD_NOTES = ("Paused until funding is confirmed.", "Paused at the lead member's request.")
_DROP_NOTES = ("Superseded by a later action.", "Discontinued after the review found no further need.")
# What an action's history ends in, and how often.
_OUTCOMES = (Status.COMPLETED, Status.IN_PROGRESS, Status.ON_HOLD, Status.DISCONTINUED, Status.PLANNED)
_OUTCOME_WEIGHTS = (30, 45, 10, 5, 10)
_ORDINALS = {1: "st", 2: "nd", 3: "rd"}


@dataclass(frozen=True)
class Sizes:
    actions: int
    updates: int
    members: int
    bodies: int
    meetings: int
    decisions_per_meeting: int
    strategies: int
    themes_per_strategy: int
    initiatives: int
    focal_points: int

    @classmethod
    def scaled(cls, actions: int, updates: int) -> "Sizes":
        return cls(
            actions=actions,
            updates=updates,
            members=max(12, actions // 250),
            bodies=max(4, actions // 500),
            meetings=max(8, actions // 25),
            decisions_per_meeting=5,
            # At least two, so the dashboard, register and reports of a superseded strategy
            # are measured beside the current one's.
            strategies=max(2, actions // 25_000),
            themes_per_strategy=6,
            initiatives=max(2, actions // 40),
            focal_points=max(12, actions // 100),
        )


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _ORDINALS.get(number % 10, "th")
    return f"{number}{suffix}"


def _at(seconds: int) -> datetime.datetime:
    return HISTORY_STARTS + datetime.timedelta(seconds=seconds)


class ScaleRecord:
    """Builds the record in dependency order; each step writes its rows and keeps only ids."""

    def __init__(self, sizes: Sizes, seed: int, log: Callable[[str], None], batch_size: int, password: str) -> None:
        self.sizes = sizes
        self.password = password
        self.rng = random.Random(seed)
        self.log = log
        self.batch_size = batch_size
        self.started = time.monotonic()
        self.counts: dict[str, int] = {}

    def write(self, model: type[models.Model], rows: Any) -> None:
        count = insert_rows(model, rows, batch_size=self.batch_size)
        label = str(model._meta.verbose_name_plural)
        self.counts[label] = self.counts.get(label, 0) + count

    def say(self, what: str) -> None:
        self.log(f"{time.monotonic() - self.started:7.1f} s  {what}")

    def build(self) -> dict[str, int]:
        self.members()
        self.forums_and_bodies()
        self.meetings()
        self.strategies()
        self.users()
        self.actions()
        reset_sequences([Member, Body, Meeting, Document, Decision, Strategy, Theme, Initiative, Action])
        return self.counts

    def members(self) -> None:
        rng, first = self.rng, next_id(Member)
        names: set[str] = set()
        rows: list[dict[str, Any]] = []
        for index in range(self.sizes.members):
            pk = first + index
            kind = rng.choices(list(Member.Kind), weights=(75, 5, 20))[0]
            if index < 2:  # the first two are countries: they co-chair everything
                kind = Member.Kind.COUNTRY
            name = "".join(rng.sample(_SYLLABLES, 2)).capitalize() + rng.choice(_ENDINGS)
            if kind == Member.Kind.ORGANISATION:
                name = f"{name} Organisation for Migration"
            while name in names:
                name += " II"
            names.add(name)
            sovereign = first if kind == Member.Kind.TERRITORY else None
            rows.append(
                {"id": pk, "code": f"{name[:2].upper()}{index}", "name": name, "kind": kind, "notes": ""}
                | {"sovereign_id": sovereign}
            )
        self.write(Member, rows)
        self.member_ids = [row["id"] for row in rows]
        self.countries = [row["id"] for row in rows if row["kind"] == Member.Kind.COUNTRY]
        # A few members lead most actions, as Indonesia, Australia and the RSO do.
        self.lead_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.member_ids))))
        self.write(
            FocalPoint,
            (
                {
                    "member_id": self.member_ids[index % len(self.member_ids)],
                    "name": f"Focal Point {index + 1}",
                    "title": "Director, International Cooperation",
                    "email": f"focal{index + 1}@example.org",
                    "is_active": True,
                }
                for index in range(self.sizes.focal_points)
            ),
        )
        self.say(f"{len(rows)} members, {self.sizes.focal_points} focal points")

    def forums_and_bodies(self) -> None:
        rng = self.rng
        self.forums: dict[str, int] = {}
        for order, (code, name) in enumerate(
            [("BP", "Bali Process"), ("AHG", "Ad Hoc Group"), ("SG", "Steering Group")], start=1
        ):
            forum, _ = Forum.objects.get_or_create(code=code, defaults={"name": name, "order": order})
            self.forums[code] = forum.pk
        seats = []
        for index, member in enumerate(self.member_ids):
            seats.append({"forum_id": self.forums["BP"], "member_id": member, "role": "member"})
            if index < 2:
                seats.append({"forum_id": self.forums["BP"], "member_id": member, "role": "co_chair"})
            if index < 2 or rng.random() < 0.6:
                seats.append({"forum_id": self.forums["AHG"], "member_id": member, "role": "member"})
            if index < 2 or rng.random() < 0.25:
                seats.append({"forum_id": self.forums["SG"], "member_id": member, "role": "member"})
        self.write(ForumMembership, ({**seat, "basis": "", "notes": ""} for seat in seats))

        first = next_id(Body)
        kinds = list(Body.Kind)
        self.body_ids = list(range(first, first + self.sizes.bodies))
        self.write(
            Body,
            (
                {
                    "id": pk,
                    "code": f"WG{index + 1}",
                    "name": f"Working Group on {rng.choice(_SUBJECTS).capitalize()} {index + 1}",
                    "kind": rng.choice(kinds),
                    "status": rng.choices(list(Body.Status), weights=(10, 10, 70, 10))[0],
                    "forum_id": self.forums["AHG"],
                    "description": "",
                    "notes": "",
                }
                for index, pk in enumerate(self.body_ids)
            ),
        )
        memberships = []
        for body in self.body_ids:
            chairs = rng.sample(self.countries, 2)
            for member, role in zip(chairs, ("co_chair", rng.choice(("co_chair", "co_manager"))), strict=True):
                memberships.append({"body_id": body, "member_id": member, "role": role, "notes": ""})
            for member in rng.sample(self.member_ids, min(4, len(self.member_ids))):
                if member not in chairs:
                    memberships.append({"body_id": body, "member_id": member, "role": "member", "notes": ""})
        self.write(BodyMembership, memberships)
        self.say(f"{len(seats)} forum seats, {len(self.body_ids)} bodies, {len(memberships)} body memberships")

    def meetings(self) -> None:
        rng, sizes = self.rng, self.sizes
        days = (HISTORY_ENDS - HISTORY_STARTS).days + 365  # a year of planned meetings after the history
        starts = sorted(rng.randrange(days) for _ in range(sizes.meetings))
        series: dict[tuple[str, int], int] = {}
        first = next_id(Meeting)
        meeting_rows, participations = [], []
        for index, offset in enumerate(starts):
            kind = rng.choices(
                (Meeting.Kind.SENIOR_OFFICIALS, Meeting.Kind.STEERING_GROUP, Meeting.Kind.WORKING_GROUP),
                weights=(20, 20, 60),
            )[0]
            forum = {Meeting.Kind.SENIOR_OFFICIALS: "AHG", Meeting.Kind.STEERING_GROUP: "SG"}.get(kind)
            body = None if forum else rng.choice(self.body_ids)
            key = (kind, body or self.forums[forum or "BP"])
            series[key] = ordinal = series.get(key, 0) + 1
            start = HISTORY_STARTS.date() + datetime.timedelta(days=offset)
            host = rng.choice(self.countries)
            owner = f"WG{body - self.body_ids[0] + 1}" if body else forum
            meeting_rows.append(
                {
                    "id": first + index,
                    "slug": f"{kind.replace('_', '-')}-{owner}-{ordinal}".lower(),
                    "title": f"{_ordinal(ordinal)} {owner} {kind.label}",
                    "kind": kind,
                    "ordinal": ordinal,
                    "forum_id": self.forums[forum] if forum else None,
                    "body_id": body,
                    "status": Meeting.Status.HELD if start < HISTORY_ENDS.date() else Meeting.Status.PLANNED,
                    "start_date": start,
                    "end_date": start + datetime.timedelta(days=rng.randrange(3)),
                    "date_precision": Meeting.DatePrecision.DAY,
                    "date_text": "",
                    "city": "",
                    "country_id": host,
                    "notes": "",
                    "delegates": None,
                    "attendance_notes": "",
                }
            )
            seat = {"meeting_id": first + index, "body_id": None, "notes": ""}
            participations.append({**seat, "member_id": host, "role": "host"})
            for member in self.countries[:2]:
                participations.append({**seat, "member_id": member, "role": "co_chair"})
            for member in rng.sample(self.member_ids, min(4, len(self.member_ids))):
                participations.append({**seat, "member_id": member, "role": "participant"})
        self.write(Meeting, meeting_rows)
        self.write(MeetingParticipation, participations)
        held = [row for row in meeting_rows if row["status"] == Meeting.Status.HELD]
        self.held_meetings = held

        document_first, decision_first = next_id(Document), next_id(Decision)
        documents: list[dict[str, Any]] = []
        decisions: list[dict[str, Any]] = []
        # Six in ten paragraphs call for follow-up.
        follow_up = [verb for verb in Decision.Verb if verb in Decision.FOLLOW_UP_VERBS]
        recording = [verb for verb in Decision.Verb if verb not in Decision.FOLLOW_UP_VERBS]
        for index, meeting in enumerate(held):
            document = document_first + index
            documents.append(
                {
                    "id": document,
                    "slug": f"{meeting['slug']}-statement",
                    "title": f"Co-chairs' statement, {meeting['title']}",
                    "kind": Document.Kind.CO_CHAIRS_STATEMENT,
                    "meeting_id": meeting["id"],
                    "date": meeting["end_date"],
                    "notes": "",
                    "attached_to_id": None,
                    "attachment_label": "",
                }
            )
            for position in range(1, sizes.decisions_per_meeting + 1):
                verb = rng.choice(follow_up) if rng.random() < 0.6 else rng.choice(recording)
                decisions.append(
                    {
                        "id": decision_first + len(decisions),
                        "document_id": document,
                        "number": str(position),
                        "numbered": True,
                        "level": Decision.Level.PARAGRAPH,
                        "parent_id": None,
                        "position": position,
                        "section": "",
                        "text": f"The Meeting {verb.value} to {rng.choice(_VERBS).lower()} {rng.choice(_SUBJECTS)}.",
                        "verb": verb,
                        "pillar_id": None,
                        "notes": "",
                    }
                )
        self.write(Document, documents)
        self.write(Decision, decisions)
        self.follow_up_decisions = [row["id"] for row in decisions if row["verb"] in Decision.FOLLOW_UP_VERBS]
        self.say(f"{len(meeting_rows)} meetings, {len(documents)} statements, {len(decisions)} decisions")

    def strategies(self) -> None:
        rng, sizes = self.rng, self.sizes
        pillars = [("prevention", "Prevention"), ("protection", "Protection"), ("prosecution", "Prosecution")]
        pillars.append(("partnership", "Partnership"))
        self.pillar_ids = []
        for code, name in pillars:
            last_order = Pillar.objects.aggregate(last=models.Max("order"))["last"] or 0
            pillar = Pillar.objects.filter(code=code).first() or Pillar.objects.create(
                code=code, name=name, order=last_order + 1
            )
            self.pillar_ids.append(pillar.pk)
        strategy_first, document_first = next_id(Strategy), next_id(Document)
        theme_first, initiative_first = next_id(Theme), next_id(Initiative)
        documents: list[dict[str, Any]] = []
        strategies: list[dict[str, Any]] = []
        themes: list[dict[str, Any]] = []
        endorsed_at = [
            self.held_meetings[index * len(self.held_meetings) // sizes.strategies] for index in range(sizes.strategies)
        ]
        for index in range(sizes.strategies):
            meeting = endorsed_at[index]
            # Each strategy but the last was superseded by the next, at the meeting that endorsed it.
            later = endorsed_at[index + 1] if index + 1 < sizes.strategies else None
            documents.append(
                {
                    "id": document_first + index,
                    "slug": f"strategy-for-cooperation-{index + 1}",
                    "title": f"Strategy for Cooperation {index + 1}",
                    "kind": Document.Kind.STRATEGY,
                    "meeting_id": meeting["id"],
                    "date": meeting["end_date"],
                    "notes": "",
                    "attached_to_id": None,
                    "attachment_label": "",
                }
            )
            strategies.append(
                {
                    "id": strategy_first + index,
                    "slug": f"strategy-for-cooperation-{index + 1}",
                    "title": f"Bali Process Strategy for Cooperation {index + 1}",
                    "document_id": document_first + index,
                    "endorsed_by_id": None,
                    "endorsed_on": meeting["end_date"],
                    "review_interval_months": 12,
                    "introduction": "",
                    "objective": "",
                    "review_text": "",
                    "status": Strategy.Status.SUPERSEDED if later else Strategy.Status.CURRENT,
                    "ends_on": max(later["end_date"], meeting["end_date"]) if later else None,
                    "superseded_by_id": strategy_first + index + 1 if later else None,
                    "superseded_at_id": later["id"] if later else None,
                }
            )
            for position in range(1, sizes.themes_per_strategy + 1):
                themes.append(
                    {
                        "id": theme_first + len(themes),
                        "strategy_id": strategy_first + index,
                        "slug": f"strategy-{index + 1}-theme-{position}",
                        "title": f"Effective {rng.choice(_SUBJECTS)}",
                        "position": position,
                    }
                )
        self.write(Document, documents)
        self.write(Strategy, strategies)
        self.write(Theme, themes)
        initiatives: list[dict[str, Any]] = []
        positions: dict[int, int] = {}
        for index in range(sizes.initiatives):
            theme = themes[index * len(themes) // sizes.initiatives]["id"]
            positions[theme] = positions.get(theme, 0) + 1
            subject = rng.choice(_SUBJECTS)
            initiatives.append(
                {
                    "id": initiative_first + index,
                    "theme_id": theme,
                    "slug": f"initiative-{index + 1}",
                    "name": f"{rng.choice(_VERBS)} {subject} {index + 1}",
                    "description": f"Members will work together on {subject} {rng.choice(_WHERE)}.",
                    "who": "The RSO, with interested members.",
                    "is_new_work": rng.random() < 0.2,
                    "position": positions[theme],
                }
            )
        self.write(Initiative, initiatives)
        self.initiative_ids = [row["id"] for row in initiatives]
        # Each initiative's strategy, by its place: themes are in strategy order.
        self.initiative_strategy = [
            index * len(themes) // sizes.initiatives // sizes.themes_per_strategy for index in range(sizes.initiatives)
        ]
        self.say(f"{len(strategies)} strategies, {len(themes)} themes, {len(initiatives)} initiatives")

    def users(self) -> None:
        secretariat = bench_users(member_id=self.member_ids[0], password=self.password)[0]
        officers = [secretariat.pk]
        user_model = get_user_model()
        group = Group.objects.get(name=Role.SECRETARIAT.value)
        for index in range(1, 6):
            officer, _ = user_model.objects.get_or_create(
                username=f"bench-officer-{index}", defaults={"first_name": "Officer", "last_name": str(index)}
            )
            officer.groups.add(group)
            officers.append(officer.pk)
        self.officer_ids = officers

    def actions(self) -> None:
        sizes, rng = self.sizes, self.rng
        counts = [0] * sizes.actions
        # Every action has its baseline when there are updates enough; the rest fall at random.
        baseline = min(sizes.actions, sizes.updates)
        for index in range(baseline):
            counts[index] = 1
        for _ in range(sizes.updates - baseline):
            counts[rng.randrange(sizes.actions)] += 1
        first = next_id(Action)
        chunk = 10_000
        for start in range(0, sizes.actions, chunk):
            rows = [
                self._action(first + index, index, counts[index])
                for index in range(start, min(start + chunk, sizes.actions))
            ]
            self.write(Action, (row for row, *_ in rows))
            self.write(ActionOwner, (owner for _, owners, _, _, _ in rows for owner in owners))
            self.write(Action.pillars.through, (link for *_, pillars, _, _ in rows for link in pillars))
            self.write(Action.mandates.through, (link for *_, mandates, _ in rows for link in mandates))
            self.write(ActionUpdate, (update for *_, updates in rows for update in updates))
            self.say(f"{start + len(rows)} actions")

    def _action(
        self, pk: int, index: int, updates: int
    ) -> tuple[dict[str, Any], list[Any], list[Any], list[Any], list[Any]]:
        rng, sizes = self.rng, self.sizes
        # Initiatives hold consecutive actions, numbered from 1 as bullets are.
        initiatives = len(self.initiative_ids)
        position = index * initiatives // sizes.actions
        initiative = self.initiative_ids[position]
        first_of_initiative = -(-position * sizes.actions // initiatives)
        text = f"{rng.choice(_VERBS)} {rng.choice(_SUBJECTS)} {rng.choice(_WHERE)}."
        owners = self._owners(pk)
        pillars = [{"action_id": pk, "pillar_id": pillar} for pillar in rng.sample(self.pillar_ids, rng.randrange(3))]
        mandated = rng.sample(self.follow_up_decisions, min(rng.randrange(3), len(self.follow_up_decisions)))
        mandates = [{"action_id": pk, "decision_id": decision} for decision in mandated]
        history = self._history(pk, updates)
        last = history[-1] if history else None
        continues = self._continued(pk - index, index, self.initiative_strategy[position])
        row = {
            "id": pk,
            "initiative_id": initiative,
            "number": index - first_of_initiative + 1,
            "text": text,
            "status": last["status"] if last else Status.NOT_STARTED,
            "progress": last["progress"] if last else 0,
            "target_date": last["target_date"] if last else None,
            "status_note": last["note"] if last else "",
            "updated_at": last["recorded_at"] if last else None,
            "version": len(history),
            "continues_id": continues,
        }
        return row, owners, pillars, mandates, history

    def _continued(self, first: int, index: int, strategy: int) -> int | None:
        """One in 40 actions of the current strategy carries on an action of the one before:
        the action as far back as a strategy's share of them, when that is an earlier one's."""
        sizes = self.sizes
        if strategy != sizes.strategies - 1 or index % 40:
            return None
        earlier = index - sizes.actions // sizes.strategies
        if earlier < 0:
            return None
        position = earlier * len(self.initiative_ids) // sizes.actions
        return first + earlier if self.initiative_strategy[position] < strategy else None

    def _owners(self, action: int) -> list[dict[str, Any]]:
        rng = self.rng
        owners: list[dict[str, Any]] = []
        members: set[int] = set()

        def add(role: str, *, member: int | None = None, body: int | None = None, forum: int | None = None) -> None:
            owners.append(
                {
                    "action_id": action,
                    "role": role,
                    "member_id": member,
                    "body_id": body,
                    "forum_id": forum,
                    "notes": "",
                }
            )

        def another_member(weighted: bool) -> int | None:
            for _ in range(5):
                if weighted:
                    member = rng.choices(self.member_ids, cum_weights=self.lead_weights)[0]
                else:
                    member = rng.choice(self.member_ids)
                if member not in members:
                    members.add(member)
                    return member
            return None

        kind = rng.random()
        if kind < 0.65:
            add(ActionOwner.Role.LEAD, member=another_member(weighted=True))
        elif kind < 0.9:
            add(ActionOwner.Role.LEAD, body=rng.choice(self.body_ids))
        else:
            add(ActionOwner.Role.LEAD, forum=self.forums["AHG"])
        extra = (
            [ActionOwner.Role.CO_LEAD] * (rng.random() < 0.3)
            + [ActionOwner.Role.CO_SPONSOR] * rng.randrange(3)
            + [ActionOwner.Role.SUPPORT] * rng.randrange(2)
            + [ActionOwner.Role.FUNDER] * (rng.random() < 0.1)
        )
        for role in extra:
            member = another_member(weighted=role == ActionOwner.Role.CO_LEAD)
            if member is not None:
                add(role, member=member)
        return owners

    def _history(self, action: int, count: int) -> list[dict[str, Any]]:
        """The action's updates, oldest first: baseline, planning, work, and the outcome."""
        rng = self.rng
        if count == 0:
            return []
        span = int((HISTORY_ENDS - HISTORY_STARTS).total_seconds())
        times = sorted(rng.sample(range(span), count))
        outcome = rng.choices(_OUTCOMES, weights=_OUTCOME_WEIGHTS)[0]
        target = (_at(times[0]) + datetime.timedelta(days=rng.randrange(365, 4 * 365))).date()
        status, progress = "", None
        updates = []
        for step, seconds in enumerate(times):
            share = step / max(count - 1, 1)
            new_progress = progress or 0
            note = rng.choice(_NOTES) if rng.random() < 0.7 else ""
            if step == 0:
                new_status, note = Status.NOT_STARTED, "Baseline from the strategy."
            elif step == count - 1 and outcome != Status.IN_PROGRESS:
                new_status = outcome
            elif outcome == Status.PLANNED or share < 0.2:
                new_status = Status.PLANNED
            elif rng.random() < 0.04:
                new_status = Status.ON_HOLD
            else:
                new_status = Status.IN_PROGRESS
                new_progress = max(new_progress, min(95, int(share * 90) + rng.randrange(10)))
            if new_status == Status.COMPLETED:
                new_progress = 100
            elif new_status == Status.ON_HOLD:
                note = rng.choice(_HOLD_NOTES)
            elif new_status == Status.DISCONTINUED:
                note = rng.choice(_DROP_NOTES)
            previous_target = target if step else None
            if rng.random() < 0.1:
                target += datetime.timedelta(days=rng.randrange(90, 365))
            updates.append(
                {
                    "action_id": action,
                    "recorded_at": _at(seconds),
                    "author_id": None if step == 0 else rng.choice(self.officer_ids),
                    "previous_status": status,
                    "status": new_status,
                    "previous_progress": progress,
                    "progress": new_progress,
                    "previous_target_date": previous_target,
                    "target_date": target,
                    "note": note,
                }
            )
            status, progress = new_status, new_progress
        return updates


def bench_users(*, member_id: int, password: str = BENCH_PASSWORD) -> list[Any]:
    """The accounts a benchmark signs in as: a secretariat officer (staff, for the admin),
    a co-chairs' officer and a focal point of the member that leads most actions."""
    user_model = get_user_model()
    made = []
    for username, role, staff in (
        (BENCH_SECRETARIAT, Role.SECRETARIAT, True),
        (BENCH_CO_CHAIR, Role.CO_CHAIRS, False),
        (BENCH_MEMBER, Role.MEMBERS, False),
    ):
        user, _ = user_model.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
        user.is_staff = staff
        user.set_password(password)
        user.save(update_fields=["is_staff", "password"])
        user.groups.add(Group.objects.get(name=role.value))
        made.append(user)
    Profile.objects.update_or_create(user=made[2], defaults={"member_id": member_id})
    return made


class RecordNotEmpty(Exception):
    """The database already holds actions: the synthetic record must not mix with a real one."""


def generate(
    *,
    actions: int,
    updates: int,
    seed: int,
    log: Callable[[str], None],
    password: str = BENCH_PASSWORD,
    batch_size: int = 5000,
) -> dict[str, int]:
    """Write the synthetic record in one transaction, and refresh PostgreSQL's statistics."""
    record = ScaleRecord(Sizes.scaled(actions, updates), seed, log, batch_size, password)
    with transaction.atomic():
        existing = Action.objects.count()
        if existing:
            raise RecordNotEmpty(f"The database already holds {existing} actions.")
        counts = record.build()
        # COPY and bulk_create send no signals: pages cached on the old tokens must go.
        record_changed()
    if connection.vendor == "postgresql":
        # VACUUM also marks pages all-visible, so counts and sorts can be index-only scans;
        # it cannot run inside a transaction (a test's), where ANALYZE alone does.
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        record.say(f"{statement} done")
    return counts


def iter_summary(counts: dict[str, int]) -> Iterator[str]:
    for label, count in counts.items():
        yield f"{count:>10,} {label}"
