from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from curriculum.roles import is_secretariat

from .models import AuditEvent


@login_required
def audit_trail(request):
    if not is_secretariat(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor")
    model = request.GET.get("model")
    actor = request.GET.get("actor")
    if model:
        events = events.filter(model=model)
    if actor:
        events = events.filter(actor_name=actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    models = AuditEvent.objects.order_by("model").values_list("model", flat=True).distinct()
    return render(request, "audit/trail.html", {"page": page, "models": models, "model": model, "actor": actor})
