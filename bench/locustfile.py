"""Load test: the four roles' daily journeys against a served app on synthetic data.

Run by ``bench/load.sh`` (which starts gunicorn, issues tokens and stops it afterwards):

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8765

``LOCUST_TOKENS`` names the JSON file ``bench/issue_tokens.py`` wrote. ``THINK_MIN`` and
``THINK_MAX`` (seconds, default 0.5 and 2) bound the pause between a user's actions. Each
simulated user takes one real user's token of its role, so no two simulated users share a
caseworker and a transition never races another one for the same case.

- caseworker: my cases, a case file with its history and allowed transitions, my
  follow-ups, a filtered list, now and then offer or decline assistance on one of my cases;
- shelter staff: the shelter view;
- legal aid: my legal cases and one case's legal summary;
- supervisor: the overdue dashboard, a filtered case list, now and then the statistics.
"""
import itertools
import json
import os
import random

from locust import FastHttpUser, between, task

with open(os.environ.get("LOCUST_TOKENS", "tokens.json")) as handle:
    TOKENS = json.load(handle)
_next = {role: itertools.count() for role in TOKENS}


class Staff(FastHttpUser):
    abstract = True
    role = None
    wait_time = between(float(os.environ.get("THINK_MIN", 0.5)),
                        float(os.environ.get("THINK_MAX", 2.0)))

    def on_start(self):
        pool = TOKENS[self.role]
        self.me = pool[next(_next[self.role]) % len(pool)]
        self.auth = {"Authorization": f"Bearer {self.me['token']}"}

    def get_json(self, path, name=None):
        with self.client.get(path, name=name or path, headers=self.auth,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return response.json()


class Caseworker(Staff):
    role = "caseworker"
    weight = 5

    def on_start(self):
        super().on_start()
        page = self.get_json("/api/v1/cases?assigned_to=me&per_page=50",
                             name="/api/v1/cases?assigned_to=me")
        self.cases = [item["id"] for item in (page or {}).get("items", [])]

    @task(4)
    def open_a_case(self):
        if not self.cases:
            return
        case_id = random.choice(self.cases)
        self.get_json(f"/api/v1/cases/{case_id}", name="/api/v1/cases/[id]")
        self.get_json(f"/api/v1/cases/{case_id}/history", name="/api/v1/cases/[id]/history")
        self.get_json(f"/api/v1/cases/{case_id}/transitions",
                      name="/api/v1/cases/[id]/transitions")

    @task(2)
    def my_cases(self):
        self.get_json("/api/v1/cases?assigned_to=me", name="/api/v1/cases?assigned_to=me")

    @task(1)
    def overdue_cases(self):
        self.get_json("/api/v1/cases?assigned_to=me&overdue=true",
                      name="/api/v1/cases?overdue=true")

    @task(1)
    def follow_ups(self):
        self.get_json("/api/v1/reminders")

    @task(1)
    def offer_or_decline_assistance(self):
        if not self.cases:
            return
        case_id = random.choice(self.cases)
        body = self.get_json(f"/api/v1/cases/{case_id}/transitions",
                             name="/api/v1/cases/[id]/transitions")
        if body is None:
            return
        track = body["tracks"]["assistance"]
        event = next((e for e in ("offer", "decline") if e in track["allowed"]), None)
        if event is None:
            return
        request = {"track": "assistance", "event": event, "version": body["version"]}
        if event == "decline":  # an adverse step: a listed code and the person's view (ID-6)
            request.update(reason="The person has other support for now",
                           facts={"reason_code": "has_other_support",
                                  "person_view": "I have support from my family for now"})
        with self.client.post(f"/api/v1/cases/{case_id}/transitions",
                              name="POST /api/v1/cases/[id]/transitions",
                              json=request, headers=self.auth,
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class ShelterStaff(Staff):
    role = "shelter_staff"
    weight = 1

    @task
    def shelter_view(self):
        self.get_json(f"/api/v1/stays?shelter={self.me['agency_id']}",
                      name="/api/v1/stays?shelter=[id]")


class LegalAid(Staff):
    role = "legal_aid"
    weight = 1

    @task(2)
    def my_legal_cases(self):
        cases = self.get_json("/api/v1/legal/cases")
        if cases:
            case_id = random.choice(cases)["case_id"]
            self.get_json(f"/api/v1/cases/{case_id}/legal", name="/api/v1/cases/[id]/legal")


class Supervisor(Staff):
    role = "supervisor"
    weight = 1

    @task(4)
    def dashboard(self):
        self.get_json("/api/v1/supervision/overdue")

    @task(2)
    def reflection_cases(self):
        self.get_json("/api/v1/cases?state=reflection_period",
                      name="/api/v1/cases?state=[state]")

    @task(1)
    def statistics(self):
        self.get_json("/api/v1/statistics?by=nationality",
                      name="/api/v1/statistics?by=[column]")
