"""Several strategies over time: each has a status (one current), a period, and the strategy
and meeting that replaced it; an action can continue one of an earlier strategy.

Every record keeps its meaning: the latest endorsed strategy (the real record's only one, the
2014 Strategy for Cooperation) becomes current, and each earlier one, if a database has any,
superseded by the one endorsed after it, at the meeting that endorsed that one, its period
ending the day that one was endorsed. The dashboard's tally is counted again, for the current
strategy alone."""

import itertools

import django.db.models.deletion
from django.db import migrations, models


def statuses_from_endorsement(apps, schema_editor):
    Strategy = apps.get_model("actions", "Strategy")
    Decision = apps.get_model("meetings", "Decision")
    strategies = list(Strategy.objects.order_by("endorsed_on", "pk"))
    for earlier, later in itertools.pairwise(strategies):
        meeting_id = (
            Decision.objects.filter(pk=later.endorsed_by_id).values_list("document__meeting_id", flat=True).first()
            if later.endorsed_by_id
            else None
        )
        Strategy.objects.filter(pk=earlier.pk).update(
            status="superseded",
            superseded_by_id=later.pk,
            superseded_at_id=meeting_id,
            ends_on=max(later.endorsed_on, earlier.endorsed_on),
        )
    # The last is current: the field's default.
    # The dashboard's tally counted every action; the next dashboard counts the current
    # strategy's afresh.
    apps.get_model("actions", "DashboardTally").objects.update(token="")


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0013_dashboard_tally"),
        ("meetings", "0006_slug_not_reserved"),
        ("members", "0004_codes_in_safe_alphabet"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="continues",
            field=models.ForeignKey(
                blank=True,
                help_text="The action of an earlier strategy this one carries on.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="continued_by",
                to="actions.action",
            ),
        ),
        migrations.AddField(
            model_name="dashboardtally",
            name="strategy",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="actions.strategy",
            ),
        ),
        migrations.AddField(
            model_name="strategy",
            name="ends_on",
            field=models.DateField(
                blank=True,
                help_text="The last day of its period: the end it set itself, or the day its successor was endorsed.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="strategy",
            name="status",
            field=models.CharField(
                choices=[
                    ("upcoming", "Endorsed, not yet current"),
                    ("current", "Current"),
                    ("superseded", "Superseded"),
                ],
                default="current",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="strategy",
            name="superseded_at",
            field=models.ForeignKey(
                blank=True,
                help_text="The meeting that replaced it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="strategies_superseded",
                to="meetings.meeting",
            ),
        ),
        migrations.AddField(
            model_name="strategy",
            name="superseded_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The strategy that replaced it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="supersedes",
                to="actions.strategy",
            ),
        ),
        migrations.RunPython(statuses_from_endorsement, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(("continues", models.F("pk")), _negated=True),
                name="actions_action_continues_another",
                violation_error_message="An action cannot continue itself.",
            ),
        ),
        migrations.AddConstraint(
            model_name="strategy",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "current")),
                fields=("status",),
                name="actions_strategy_one_current",
                violation_error_message="Another strategy is current: only one is at a time.",
            ),
        ),
        migrations.AddConstraint(
            model_name="strategy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "superseded"),
                    models.Q(("superseded_at__isnull", True), ("superseded_by__isnull", True)),
                    _connector="OR",
                ),
                name="actions_strategy_replaced_only_if_superseded",
                violation_error_message="Only a superseded strategy has a strategy and a meeting that replaced it.",
            ),
        ),
        migrations.AddConstraint(
            model_name="strategy",
            constraint=models.CheckConstraint(
                condition=models.Q(("superseded_by", models.F("pk")), _negated=True),
                name="actions_strategy_not_superseded_by_itself",
                violation_error_message="A strategy cannot supersede itself.",
            ),
        ),
        migrations.AddConstraint(
            model_name="strategy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ends_on__isnull", True), ("ends_on__gte", models.F("endorsed_on")), _connector="OR"
                ),
                name="actions_strategy_period_order",
                violation_error_message="A strategy's period ends on or after the day it was endorsed.",
            ),
        ),
    ]
