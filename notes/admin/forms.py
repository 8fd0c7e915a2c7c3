"""The admin's note form: refuses to overwrite a note someone else saved meanwhile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..control_characters import validate_visible_name
from ..models import Category, Note
from .history import field_label

# Fields whose change by someone else makes a stale form worth stopping.
WATCHED_FIELDS = ["title", "slug", "body", "status", "category", "excerpt", "created"]


class NoteAdminForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set on the form class when it edits an old version (revert, recovery): its tags.
    version_tags: str | None = None

    class Meta:
        model = Note
        fields = ["title", "slug", "status", "category", "tags", "body", "excerpt",
                  "link_every_section", "created", "front_matter"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.version_tags is not None:
            # An old version is edited against the note as it is now, if it still exists.
            current = Note.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            self.fields["seen_version"].initial = current.first()
            if not self.is_bound:
                self.initial["tags"] = self.version_tags
        elif self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean_tags(self):
        tags = self.cleaned_data.get("tags") or []
        for name in tags:
            try:
                validate_visible_name(name)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("The tag “%(name)s”: %(error)s")
                    % {"name": name.encode("unicode_escape").decode(), "error": error.messages[0]}
                ) from error
        return tags

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        seen = self.cleaned_data.get("seen_version")
        # Locked until the admin's transaction ends, so no save can slip in between.
        current = (
            Note.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values(
                "version",
                *[f"{field}_id" if field == "category" else field for field in WATCHED_FIELDS],
            )  # fmt: skip
            .first()
        )
        if current is None:
            return cleaned  # a deleted note brought back from its history
        if seen is None:
            # Without the version it was opened on, a form cannot tell whether it is stale:
            # treat it as stale rather than overwrite someone's change unseen.
            raise forms.ValidationError(
                _(
                    "This form does not say which version of the note it was opened on, so "
                    "it cannot tell whether someone changed the note since. Nothing was "
                    "saved: your text is still in this form. Copy what you need, reload "
                    "the page and apply your changes again."
                ),
                code="stale",
            )
        if seen == current["version"]:
            # A reverted old version continues the count from the note as it is now.
            self.instance.version = current["version"]
            return cleaned
        changed = [field_label(field) for field in WATCHED_FIELDS if self._differs(field, current)]
        latest = self.instance.history.order_by("-history_date").first()
        who = str(latest.history_user) if latest and latest.history_user else _("someone")
        when = latest.history_date if latest else None
        raise forms.ValidationError(
            _(
                "This note was changed by %(who)s at %(when)s after you opened it "
                "(changed: %(fields)s). Nothing was overwritten: your version is still in "
                "this form. Copy what you need, reload the page to see theirs, and apply "
                "your changes again."
            )
            % {
                "who": who,
                "when": when.strftime("%Y-%m-%d %H:%M") if when else "?",
                "fields": ", ".join(changed) or _("tags or other fields"),
            },
            code="stale",
        )

    def _differs(self, field: str, current: dict[str, object]) -> bool:
        if field == "category":
            chosen: Category | None = self.cleaned_data.get("category")
            chosen_pk: int | None = chosen.pk if chosen else None
            return chosen_pk != current["category_id"]
        value: object = self.cleaned_data.get(field, getattr(self.instance, field))
        return value != current[field]
