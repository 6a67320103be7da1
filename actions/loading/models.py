"""What the loader keeps of each record it loads (registered with the actions app, whose
models module imports it)."""

from django.db import models


class LoadedRecordManager(models.Manager["LoadedRecord"]):
    def get_by_natural_key(self, model: str, key: str) -> "LoadedRecord":
        return self.get(model=model, key=key)


class LoadedRecord(models.Model):
    """What `load_record` loaded of one record of fixtures/: a digest of each field's value as
    it was loaded. A later load compares the database and the fixture with it, to tell a record
    the secretariat has changed since (theirs, never overwritten) from one only the fixture
    changed (which `load_record --update` applies). Written by the loader alone, in bulk, so
    neither the audit trail nor the record's version token sees it."""

    model = models.CharField(max_length=100, help_text='The record\'s model, e.g. "actions.action".')
    key = models.CharField(max_length=400, help_text="The record's natural key, as JSON.")
    digests = models.JSONField(help_text="For each field, a digest of its value as loaded.")
    loaded_at = models.DateTimeField()

    objects = LoadedRecordManager()

    class Meta:
        constraints = [
            # One row per record; the loader reads them all at once, so no other index.
            models.UniqueConstraint(
                name="actions_loadedrecord_unique_key",
                violation_error_message="This record's load is already kept.",
                fields=["model", "key"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.key}"

    def natural_key(self) -> tuple[str, str]:
        return (self.model, self.key)
