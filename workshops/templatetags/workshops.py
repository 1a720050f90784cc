from django import template

from workshops.models import is_secretariat as user_is_secretariat

register = template.Library()


@register.filter
def is_secretariat(user):
    return user_is_secretariat(user)
