"""What one export prints, as one value: built once (from a request or a job) and passed down the pipeline."""

import json
from dataclasses import dataclass, field
from types import MappingProxyType

from .models import ExportJob


@dataclass(frozen=True)
class ExportSpec:
    """The document asked for: curriculum, partner, language, paper, kind and its parameters, and pinned versions.

    `module_versions`/`edition_versions` are empty for a new request (the current content)
    and the job's pinned versions once it exists, so a render prints what was asked for.
    """

    language: str
    kind: str = ExportJob.Kind.MANUAL
    curriculum: object = None
    partner: object = None
    profile: str = ExportJob.Profile.A4
    # Only what changes the document (unset options dropped), so equal requests share a job.
    params: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    module_versions: tuple = ()
    edition_versions: tuple = ()

    def __post_init__(self):
        params = {key: value for key, value in dict(self.params or {}).items() if value}
        object.__setattr__(self, "params", MappingProxyType(params))
        object.__setattr__(self, "module_versions", tuple(self.module_versions))
        object.__setattr__(self, "edition_versions", tuple(self.edition_versions))

    def __hash__(self):
        # Hashable (the params mapping is not), so a worker can keep the edition of a pinned spec.
        return hash(
            (
                self.language,
                self.kind,
                getattr(self.curriculum, "pk", None),
                getattr(self.partner, "pk", None),
                self.profile,
                json.dumps(dict(self.params), sort_keys=True, default=str),
                self.module_versions,
                self.edition_versions,
            )
        )

    @classmethod
    def of_job(cls, job):
        return cls(
            language=job.language,
            kind=job.kind,
            curriculum=job.curriculum,
            partner=job.partner,
            profile=job.profile,
            params=job.params,
            module_versions=job.module_versions,
            edition_versions=job.edition_versions,
        )

    @property
    def grayscale(self):
        """The photocopier variant: grays only."""
        return bool(self.params.get("grayscale"))

    @property
    def is_pinned(self):
        return bool(self.module_versions)

    def job_fields(self):
        """The ExportJob fields that say which document this is."""
        return {
            "curriculum": self.curriculum,
            "partner": self.partner,
            "language": self.language,
            "profile": self.profile,
            "kind": self.kind,
            "params": dict(self.params),
        }
