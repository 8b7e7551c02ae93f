"""Statistics count and read on the replica when one is configured (DATABASE_REPLICA_URL):
a few seconds behind is harmless there. What decides the frozen cells of a publication is
read on the primary."""
import uuid
from datetime import date, datetime, timezone

from sqlalchemy.orm import Session

from referral import create_app
from referral.cases.models import AnonymousNotification
from referral.extensions import db
from referral.statistics import publication, series as S
from referral.statistics.models import PublishedSeries


def two_databases(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "KEY_CHECK": False,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'primary.sqlite'}",
                      "DATABASE_REPLICA_URL": f"sqlite:///{tmp_path / 'replica.sqlite'}"})
    with app.app_context():
        db.metadata.create_all(db.engine)
        db.metadata.create_all(db.engines["replica"])
    return app


def on_replica(*rows):
    with Session(db.engines["replica"]) as session:
        session.add_all(rows)
        session.commit()


def notification(month):
    return AnonymousNotification(agency_id=uuid.uuid4(), sex="female", nationality="VN",
                                 jurisdiction="baseline",
                                 recorded_at=datetime(2026, month, 3, tzinfo=timezone.utc))


def test_DP4_the_counting_reads_the_replica(tmp_path):
    app = two_databases(tmp_path)
    with app.app_context():
        on_replica(notification(1), notification(1), notification(2))
        db.session.add(notification(3))  # on the primary only
        db.session.commit()
        counted = S.monthly_counts("anonymous_notifications")
        assert {m: bucket[("total", "*", "all")] for m, bucket in counted.items()} \
            == {"2026-01": 2, "2026-02": 1}


def test_DP4_published_tables_are_read_on_the_replica_and_frozen_ones_on_the_primary(
        tmp_path):
    app = two_databases(tmp_path)
    with app.app_context():
        app.config["STATISTICS_MIN_CELL"] = 1
        shown = PublishedSeries(series="referrals", period="2025-12", threshold=1,
                                computed_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                                cells={"total|*|*": 7}, summary={})
        on_replica(shown)
        assert publication.published_periods() == ["2025-12"]
        assert publication.table("referrals", "2025-12", "total")["rows"][-1]["cells"] == [7]
        assert publication.trend("referrals", "month") == [("2025-12", 7)]
        assert db.session.query(PublishedSeries).count() == 0  # nothing on the primary
        # The worker publishes on the primary, from the replica's counts; what it finds
        # already published there (nothing) is what it freezes.
        on_replica(notification(1))
        written = publication.publish_periods(today=date(2026, 2, 1))
        assert written == len(S.SERIES)
        row = db.session.query(PublishedSeries).filter_by(
            series="anonymous_notifications", period="2026-01").one()
        assert row.cells["total|*|*"] == 1
