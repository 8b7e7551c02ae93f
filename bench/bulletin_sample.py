"""Print the UK quarterly NRM bulletin's tables, as the statistics page lays them out, from
synthetic data (``referral/synth.py``), to show the series line up with a statistics
office's publication. Markdown on stdout.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bulletin_sample.py --cases 20000
"""
import argparse
import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL server (synth uses COPY)")
    from tests import scratch
    url = scratch.create_scratch(server, f"bulletin_{uuid.uuid4().hex[:8]}")
    try:
        run(url, args)
    finally:
        scratch.drop_scratch(server, url)


def run(url, args):
    from flask_migrate import upgrade

    from referral import ROOT, create_app
    from referral.statistics import publication
    from referral.synth import synthesise

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        synthesise(args.cases, seed=args.seed, echo=lambda *a, **k: None)
        publication.publish_periods()
        quarter = publication.published_periods("quarter")[-1]
        data = publication.bulletin(quarter)
        print(f"## Bulletin tables from {args.cases} synthetic cases, {quarter}\n")
        for n, table in enumerate(data["tables"], start=1):
            print(f"Table {n}: {table['title']}\n")
            print("| " + table["dimension"] + " | " + " | ".join(data["periods"]) + " |")
            print("|---" * (len(data["periods"]) + 1) + "|")
            for line in table["lines"]:
                values = ["[c]" if v is None else str(v) for v in line["values"]]
                print(f"| {line['label']} | " + " | ".join(values) + " |")
            print()
        print(f"Table {len(data['tables']) + 1}: Days from referral to decision\n")
        print("| measure | " + " | ".join(data["periods"]) + " |")
        print("|---" * (len(data["periods"]) + 1) + "|")
        for t in data["times"]:
            for what in ("median", "p90"):
                values = ["[c]" if v is None else str(v) for v in t[what]]
                print(f"| {t['label']}, {what} | " + " | ".join(values) + " |")


if __name__ == "__main__":
    main()
