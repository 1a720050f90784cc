from django.dispatch import Signal

# Sent after a new module version or edition version is created (curriculum=, partner= or None).
content_published = Signal()
