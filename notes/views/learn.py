"""Learning paths: the whole map in an order of study, and the path to one topic."""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from ..learning_paths import path_to_topic, study_plan
from ..models import Topic


class LearnView(TemplateView):
    """Every topic, numbered in an order to learn it, grouped by top-level branch."""

    template_name = "notes/learn.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = study_plan(self.request.user)
        context.update(runs=runs, topic_total=sum(len(run.steps) for run in runs))
        return context


class LearnPathView(TemplateView):
    """The numbered topics to learn, in order, on the way to one topic."""

    template_name = "notes/learn_path.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = get_object_or_404(
            Topic.objects.only("name", "name_zh", "slug"), slug=self.kwargs["slug"]
        )
        context.update(topic=topic, steps=path_to_topic(topic, self.request.user))
        return context
