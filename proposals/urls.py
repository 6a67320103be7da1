from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("actions/<int:pk>/", views.propose, name="propose"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/return/", views.return_proposal, name="return"),
]
