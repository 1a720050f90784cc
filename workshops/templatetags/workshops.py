from django import template

from curriculum.roles import is_secretariat as user_is_secretariat
from workshops.permissions import is_workshop_editor as user_is_workshop_editor

register = template.Library()


@register.filter
def is_secretariat(user):
    return user_is_secretariat(user)


@register.filter
def is_workshop_editor(user):
    return user_is_workshop_editor(user)
