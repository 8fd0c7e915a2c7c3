"""What follows a change of the content: links, counts, the search index and caches.

The models announce their changes (Django's own signals, and those of
``notes.models.events``); the receivers here call the services that act on them, so
that the models import none of those services.
"""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .caching import bump_content_version
from .card_sync import sync_note_cards, sync_topic_card
from .counts import count_new_note, recount_subtrees, touch
from .models import Category, Note, Tag, Topic, TopicAlias, TopicRelation
from .models.events import links_may_have_moved, mentions_stored
from .relinking import notes_affected_by, schedule_relink, topic_terms
from .reviewing import carry_session_progress
from .search import schedule_index


@receiver(pre_save, sender=Topic)
@receiver(pre_save, sender=TopicAlias)
@receiver(pre_save, sender=Tag)
def remember_previous_name(sender, instance, **kwargs):
    # A topic's parent too, in the same query: a move changes its ancestors' counts.
    fields = ["name", "name_zh", "parent_id"] if sender is Topic else ["name"]
    previous = (
        sender.objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None
    )
    instance._previous_name = previous["name"] if previous else None
    if sender is Topic:
        instance._previous_parent = previous["parent_id"] if previous else None
        instance._previous_name_zh = previous["name_zh"] if previous else None


@receiver(post_save, sender=Topic)
def topic_saved(sender, instance, **kwargs):
    schedule_relink(
        topic_ids=[instance.pk],
        terms={
            instance.name,
            instance.name_zh,
            getattr(instance, "_previous_name", None) or "",
            getattr(instance, "_previous_name_zh", None) or "",
        },
    )


@receiver(post_save, sender=Topic)
def topic_moved(sender, instance, created, **kwargs):
    # The notes below a moved topic now count under its new ancestors, not its old ones.
    if not created and instance.parent_id != getattr(instance, "_previous_parent", None):
        recount_subtrees()


@receiver(post_delete, sender=Topic)
def topic_gone(sender, instance, **kwargs):
    recount_subtrees()


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


@receiver(links_may_have_moved, sender=Note)
def relink_moved_links(sender, note_ids, **kwargs):
    schedule_relink(note_ids=note_ids)


@receiver(pre_delete, sender=Note)
def note_deleting(sender, instance, **kwargs):
    instance._linking_notes = instance.linking_note_ids(None)


@receiver(post_delete, sender=Note)
def note_deleted(sender, instance, **kwargs):
    schedule_relink(note_ids=getattr(instance, "_linking_notes", set()))


@receiver(pre_create_historical_record, sender=Note.history.model)
def remember_tags_in_history(sender, instance, history_instance, **kwargs):
    if history_instance.history_type == "+":
        # A new note has no tags stored yet; the importer says which it is about to add.
        history_instance.tag_names = getattr(instance, "_tag_names_when_created", "")
    else:
        history_instance.tag_names = ", ".join(sorted(instance.tags.names(), key=str.casefold))


@receiver(m2m_changed, sender=Note.tags.through)
def tags_changed(sender, instance, action, reverse, **kwargs):
    # Tags are saved after the note (the admin's save_related, an import's add), so the
    # version the note's save just recorded is brought up to date here.
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    if instance.__dict__.pop("_tag_names_when_created", None) is not None:
        return  # already written into the version when it was created
    latest = instance.history.order_by("-history_date", "-history_id").first()
    if latest is not None:
        names = ", ".join(sorted(instance.tags.names(), key=str.casefold))
        type(latest).objects.filter(pk=latest.pk).update(tag_names=names)


@receiver(post_save, sender=Note)
@receiver(post_delete, sender=Note)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
@receiver(post_save, sender=TopicAlias)
@receiver(post_delete, sender=TopicAlias)
@receiver(m2m_changed, sender=Note.tags.through)
@receiver(post_save, sender=TopicRelation)
@receiver(post_delete, sender=TopicRelation)
def content_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # the m2m change is yet to happen; its post_ signal follows
    # Anything a reader could see changed: every cached page is now out of date.
    bump_content_version()


# The search index (notes.search) follows every change to a note's title, body or tags.
# Signals rather than SQL triggers: tags are saved after the note, through taggit.


@receiver(post_save, sender=Note)
@receiver(post_delete, sender=Note)
def reindex_note(sender, instance, **kwargs):
    text = instance.__dict__.get("plain_text")
    schedule_index([instance.pk], {instance.pk: (instance.body_html, text) if text else None})


@receiver(m2m_changed, sender=Note.tags.through)
def reindex_retagged_note(sender, instance, action, reverse, pk_set, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        # Reversed, the instance is a tag and pk_set holds its notes.
        schedule_index((pk_set or ()) if reverse else [instance.pk])


@receiver(post_save, sender=Tag)
def reindex_renamed_tag(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_previous_name", instance.name) != instance.name:
        schedule_index(instance.tagged_notes.values_list("content_object_id", flat=True))


@receiver(pre_delete, sender=Tag)
def remember_tagged_notes(sender, instance, **kwargs):
    # Its taggings go without an m2m signal: find their notes while they still exist.
    instance._tagged_note_ids = list(
        instance.tagged_notes.values_list("content_object_id", flat=True)
    )


@receiver(post_delete, sender=Tag)
def reindex_untagged_notes(sender, instance, **kwargs):
    schedule_index(getattr(instance, "_tagged_note_ids", ()))


# Stored note counts of tags, categories and topics (notes.counts).


@receiver(mentions_stored, sender=Note)
def recount_mentioned_topics(sender, note, topics, new, **kwargs):
    if new:
        count_new_note(note, topics=topics)
    else:
        touch(topics=topics)


@receiver(pre_save, sender=Note)
def remember_counted_state(sender, instance, **kwargs):
    if instance._loaded_counted is None and instance.pk is not None:
        # Not loaded from the database (built with a known pk): ask what it was.
        instance._loaded_counted = (
            Note.objects.filter(pk=instance.pk).values_list("status", "category_id").first()
        )


@receiver(post_save, sender=Note)
def recount_for_saved_note(sender, instance, created, **kwargs):
    now = (instance.status, instance.category_id)
    before = instance._loaded_counted
    instance._loaded_counted = now
    if created:
        # Its tags and mentions come later and count themselves.
        instance._counted_as_new = True
        count_new_note(instance, categories=[instance.category_id])
        return
    if before is None:
        # Of unknown past: recount all it belongs to.
        touch(categories=[instance.category_id])
    elif before == now:
        return
    else:
        touch(categories=[before[1], instance.category_id])
        if before[0] == instance.status:
            return
    touch(
        tags=instance.tags.values_list("pk", flat=True),
        topics=instance.mentions.values_list("topic_id", flat=True),
    )


@receiver(pre_delete, sender=Note)
def remember_counted(sender, instance, **kwargs):
    # Its taggings and mentions go with it, without signals of their own.
    instance._counted_before_delete = (
        list(instance.tags.values_list("pk", flat=True)),
        list(instance.mentions.values_list("topic_id", flat=True)),
    )


@receiver(post_delete, sender=Note)
def recount_for_deleted_note(sender, instance, **kwargs):
    tags, topics = getattr(instance, "_counted_before_delete", ((), ()))
    touch(tags=tags, categories=[instance.category_id], topics=topics)


@receiver(m2m_changed, sender=Note.tags.through)
def recount_retagged(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            touch(tags=[instance.pk])
    elif action == "pre_clear":
        instance._tags_before_clear = list(instance.tags.values_list("pk", flat=True))
    elif action == "post_clear":
        touch(tags=getattr(instance, "_tags_before_clear", ()))
    elif action == "post_add" and instance.__dict__.get("_counted_as_new"):
        count_new_note(instance, tags=pk_set or ())
    elif action in {"post_add", "post_remove"}:
        touch(tags=pk_set or ())


# Review cards (notes.card_sync) follow their note's text and their topic's summary.


@receiver(post_save, sender=Note)
def sync_cards_of_note(sender, instance, raw, **kwargs):
    if not raw:  # a fixture brings its own cards
        sync_note_cards(instance)


@receiver(post_save, sender=Topic)
def sync_card_of_topic(sender, instance, raw, update_fields, **kwargs):
    if raw or (update_fields is not None and not {"summary", "summary_zh"} & set(update_fields)):
        return
    sync_topic_card(instance)


@receiver(user_logged_in)
def review_progress_follows_the_reader(sender, request, user, **kwargs):
    # What a visitor reviewed before signing in is theirs: it moves into the account.
    if request is not None and hasattr(request, "session"):
        carry_session_progress(request.session, user)
