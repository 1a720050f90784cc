"""Trainers browsing, downloading and asking for PDFs: the mix the load test replays (bench/load_test.py)."""

import random
import re

from locust import HttpUser, between, task

LANGUAGES = ["en", "ar", "fr"]
EDITIONS = ["core", "jasmine-bridge-collective"]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Trainer(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.language = random.choice(LANGUAGES)  # noqa: S311

    @task(5)
    def catalogue(self):
        self.client.get(f"/{self.language}/", name="catalogue")

    @task(5)
    def curriculum(self):
        self.client.get(f"/{self.language}/curricula/leading-to-choices/", name="curriculum")

    @task(4)
    def module(self):
        number = random.randint(1, 10)  # noqa: S311
        self.client.get(f"/{self.language}/curricula/leading-to-choices/session-{number}/", name="module")

    @task(3)
    def download_centre(self):
        self.client.get(f"/{self.language}/downloads/?language={self.language}", name="download centre")

    @task(3)
    def permanent_link(self):
        edition = random.choice(EDITIONS)  # noqa: S311
        language = random.choice(LANGUAGES)  # noqa: S311
        # Rendered already: the file; being rendered: a redirect to its progress page (not followed).
        with self.client.get(
            f"/{self.language}/editions/leading-to-choices/{edition}/{language}/manual.pdf",
            name="permanent link",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (200, 302):
                response.success()

    @task(1)
    def request_export(self):
        page = self.client.get(f"/{self.language}/curricula/leading-to-choices/", name="curriculum")
        token = CSRF_RE.search(page.text)
        if not token:
            return
        edition = random.choice(EDITIONS)  # noqa: S311
        self.client.post(
            f"/{self.language}/exports/request/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "curriculum": "leading-to-choices",
                "partner": "" if edition == "core" else edition,
                "language": random.choice(LANGUAGES),  # noqa: S311
                "profile": "a4",
                "document": "manual",
            },
            headers={"Referer": self.host + "/"},
            name="export request",
            allow_redirects=False,
        )
