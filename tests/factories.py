import factory
from django.contrib.auth import get_user_model

from curriculum.models import Block, Curriculum, Module, Partner
from glossary.models import Rendering, Term


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("pw")


class CurriculumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Curriculum

    slug = factory.Sequence(lambda n: f"curriculum-{n}")
    title_en = factory.Sequence(lambda n: f"Curriculum {n}")
    description_en = "A curriculum for testing."


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    curriculum = factory.SubFactory(CurriculumFactory)
    slug = factory.Sequence(lambda n: f"session-{n}")
    position = factory.Sequence(lambda n: n)
    kind = Module.Kind.SESSION
    duration_minutes = 90
    title_en = factory.Sequence(lambda n: f"Session {n}")
    summary_en = "What the session is about."


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    module = factory.SubFactory(ModuleFactory)
    key = factory.Sequence(lambda n: f"block-{n}")
    position = factory.Sequence(lambda n: n)
    kind = Block.Kind.TEXT
    title_en = factory.Sequence(lambda n: f"Block {n}")
    body_en = "Some **text** to read."


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    slug = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    country = "JO"
    languages = ["ar", "en"]


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    text = factory.Sequence(lambda n: f"term {n}")
    language = "en"
    note = "Why the rendering matters."


class RenderingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rendering

    term = factory.SubFactory(TermFactory)
    language = "ar"
    text = factory.Sequence(lambda n: f"ترجمة {n}")
