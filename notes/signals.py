"""Topic, alias and note changes that must reach the stored links of other notes."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from .models import Note, Topic, TopicAlias
from .relinking import notes_affected_by, schedule_relink, topic_terms


@receiver(pre_save, sender=Topic)
@receiver(pre_save, sender=TopicAlias)
def remember_previous_name(sender, instance, **kwargs):
    instance._previous_name = (
        sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Topic)
def topic_saved(sender, instance, **kwargs):
    schedule_relink(
        topic_ids=[instance.pk],
        terms={instance.name, getattr(instance, "_previous_name", None) or ""},
    )


@receiver(pre_delete, sender=Topic)
def topic_deleting(sender, instance, **kwargs):
    # Mentions go with the topic, so the notes to relink are found before it goes.
    instance._affected_notes = notes_affected_by([instance.pk], topic_terms(instance))


@receiver(post_delete, sender=Topic)
def topic_deleted(sender, instance, **kwargs):
    schedule_relink(note_ids=getattr(instance, "_affected_notes", set()))


@receiver(post_save, sender=TopicAlias)
@receiver(post_delete, sender=TopicAlias)
def alias_changed(sender, instance, **kwargs):
    schedule_relink(
        topic_ids=[instance.topic_id],
        terms={instance.name, getattr(instance, "_previous_name", None) or ""},
    )


@receiver(pre_delete, sender=Note)
def note_deleting(sender, instance, **kwargs):
    instance._linking_notes = instance.linking_note_ids(None)


@receiver(post_delete, sender=Note)
def note_deleted(sender, instance, **kwargs):
    schedule_relink(note_ids=getattr(instance, "_linking_notes", set()))
