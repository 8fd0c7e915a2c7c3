"""The admin page where staff upload notes: .md, .markdown or .txt files, or a .zip of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from ..importers import (
    MAX_FILE_BYTES,
    MAX_ZIP_BYTES,
    MAX_ZIP_MEMBERS,
    MiB,
    import_uploads,
    outcome_verb,
)
from ..importers.collection import unpacked_bytes
from ..importers.dates import read_date
from ..importers.limits import max_import_bytes
from ..models import Note


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".md,.markdown,.txt,.zip"}))
        # An empty file gets its own line in the report instead of failing the form.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        # No file at all still meets the field's own `required` check.
        return [single(data, initial)]


class WrittenDateField(forms.CharField):
    """The day notes were written, typed as 2014-11-06 (or 2014/11/06, 2014年11月6日,
    Nov 6, 2014): a real day, not after today. Cleans to a date, or None when empty."""

    def __init__(self, **kwargs):
        attrs = {"placeholder": "2014-11-06", "autocomplete": "off", "size": 12, "maxlength": 40}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        date = read_date(text)
        if date is None:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a date. Write the day as year-month-day, "
                    "for example 2014-11-06."
                ),
                code="invalid",
                params={"value": text[:40]},
            )
        if date > timezone.localdate():
            raise forms.ValidationError(
                _(
                    "%(date)s is after today: notes cannot have been written on a day "
                    "still to come."
                ),
                code="future",
                params={"date": date.isoformat()},
            )
        return date


class ImportNotesForm(forms.Form):
    # The ignore: Django takes declared fields off the class, so this field does not
    # stand for the form's `files` (the uploads), as the stubs take it to.
    files = MultipleFileField(label=_("Files"))  # type: ignore[assignment]
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Note.Status.choices,
        initial=Note.Status.DRAFT,
        help_text=_("For notes whose file does not say."),
    )
    date = WrittenDateField(
        label=_("Written on"),
        required=False,
        help_text=_(
            "Leave it empty to date each note by its front matter, file name or first "
            "lines, or else by its time in the zip archive or the upload's time, which are "
            "only guesses. A day given here dates every note of this upload."
        ),
    )
    trim_clipping = forms.BooleanField(
        label=_("Trim web clippings"),
        required=False,
        help_text=_(
            "Cut off the page chrome (likes, payment, wallet lines) that the report finds "
            "at the end of notes copied from web pages."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Only report what would be created, updated, skipped and refused."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        total = unpacked_bytes(files)
        if total > max_import_bytes():
            raise forms.ValidationError(
                gettext(
                    "These files hold %(total)s MiB of text once unpacked, more than the "
                    "%(limit)s MiB one import may bring in. Nothing was imported: import "
                    "them in several parts."
                )
                % {"total": f"{total / MiB:,.1f}", "limit": f"{max_import_bytes() / MiB:,.0f}"}
            )
        return files

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request so that it is translated into the reader's language.
        self.fields["files"].help_text = gettext(
            "Markdown or text notes, or .zip archives of them (up to %(count)s files per "
            "upload). Each note may be up to %(file_mib)s MiB; a zip may hold %(members)s "
            "files and %(zip_mib)s MiB once unpacked."
        ) % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "file_mib": MAX_FILE_BYTES // MiB,
            "members": MAX_ZIP_MEMBERS,
            "zip_mib": MAX_ZIP_BYTES // MiB,
        }


if TYPE_CHECKING:  # for mypy alone: a Protocol class carries typing's private attributes

    class NoteImportAdmin(Protocol):
        """What the import page asks of the note admin (NoteAdmin)."""

        admin_site: AdminSite

        def has_import_permission(self, request: HttpRequest) -> bool: ...


class ImportNotesView(FormView):
    """Upload notes and read the same per-file report as ``manage.py import_notes``."""

    form_class = ImportNotesForm
    template_name = "admin/notes/import_notes.html"
    model_admin: NoteImportAdmin | None = None  # given to as_view()

    def dispatch(self, request, *args, **kwargs) -> HttpResponseBase:
        assert self.model_admin is not None
        if not self.model_admin.has_import_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        assert self.model_admin is not None
        context.update(
            self.model_admin.admin_site.each_context(self.request),
            opts=Note._meta,
            title=_("Import notes"),
        )
        return context

    def form_valid(self, form: ImportNotesForm) -> HttpResponse:
        report = import_uploads(
            form.cleaned_data["files"],
            dry_run=form.cleaned_data["dry_run"],
            default_status=form.cleaned_data["status"],
            uploader=self.request.user.get_username(),
            trim_clipping=form.cleaned_data["trim_clipping"],
            written_date=form.cleaned_data["date"],
        )
        rows = [
            (result, outcome_verb(result.outcome, dry_run=report.dry_run))
            for result in report.results
        ]
        # The report is the answer to this upload, so it is rendered, not redirected to;
        # posting the same files again is harmless (they come back unchanged).
        return self.render_to_response(
            self.get_context_data(form=self.form_class(), report=report, rows=rows)
        )
