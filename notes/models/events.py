"""What the models announce when a change must reach what lies above them.

Counting, relinking and the search index live above the models (``notes.counts``,
``notes.relinking``, ``notes.search``); the models send these signals and
``notes.signals`` acts on them, so that no model imports those modules.
"""

from django.dispatch import Signal

# Sent by Note.store_links() with ``note``, ``topics`` (the ids of the topics whose
# mention changed; for a new note, every topic it mentions) and ``new`` (True when the
# note was created by the save that stored them).
mentions_stored = Signal()

# Sent when the ``[[links]]`` of some notes may now point elsewhere, with ``note_ids``:
# a note was renamed or moved, or a note they waited for was created.
links_may_have_moved = Signal()
