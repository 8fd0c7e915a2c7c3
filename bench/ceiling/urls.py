from django.http import HttpResponse
from django.urls import path


def constant(request):
    return HttpResponse("ok")


urlpatterns = [path("", constant)]
