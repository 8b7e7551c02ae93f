"""A synthetic set of referrals with realistic spelling variants, for measuring the matcher.

Each identity is recorded one to three times, as different agencies would write it: a
transliteration variant of each name (Cyrillic written in Latin several ways, Arabic and
Vietnamese names as clerks spell them), accents dropped, given and family name swapped, a
typing slip, a date of birth guessed from an age (1 January, a year out) or written day-first,
a nationality unknown. Different people share common names on purpose.
"""
import random
from datetime import date

GIVEN = [
    ["Oleksandr", "Aleksandr", "Olexandr", "Олександр", "Alexander"],
    ["Mohammed", "Muhammad", "Mohamed", "Mukhammed", "Mohammad"],
    ["Svetlana", "Swetlana", "Светлана", "Svitlana"],
    ["Ioana", "Ioanna", "Yoana"],
    ["Blessing", "Blesing"],
    ["Fatima", "Fatimah", "Fatma"],
    ["Nguyễn Thị Lan", "Nguyen Thi Lan", "Nguyen Thy Lan"],
    ["Ermira", "Ermiră"],
    ["Yusuf", "Youssef", "Yousef", "Jusuf"],
    ["Olga", "Ольга", "Olha"],
    ["Chioma", "Chiomah"],
    ["Dmitri", "Dmitry", "Dmytro", "Дмитрий"],
    ["Sokol", "Sokoli"],
    ["Maria", "Mariya", "Марія"],
    ["Precious", "Presious"],
]
FAMILY = [
    ["Kovalenko", "Kowalenko", "Коваленко"],
    ["Popescu", "Popesku", "Popescou"],
    ["Okafor", "Okaffor", "Okafur"],
    ["Al-Hassan", "Alhassan", "Al Hasan"],
    ["Hoxha", "Hodja", "Hoxa"],
    ["Shevchenko", "Schewtschenko", "Шевченко", "Ševčenko"],
    ["Ionescu", "Ionesku"],
    ["Adeyemi", "Adeyemy"],
    ["Petrova", "Петрова", "Petrowa"],
    ["Ben Ali", "Benali"],
    ["Tran", "Trần"],
    ["Ivanova", "Иванова", "Iwanowa"],
    ["Balogun", "Ballogun"],
    ["Krasniqi", "Krasniki"],
    ["Morozov", "Морозов", "Morosow"],
]
NATIONALITIES = ["UA", "RO", "NG", "SY", "AL", "VN", "MA", "MD"]


def _typo(rng, name):
    if len(name) < 5 or rng.random() > 0.15:
        return name
    i = rng.randrange(1, len(name) - 1)
    if rng.random() < 0.5:
        return name[:i] + name[i + 1:]  # a letter dropped
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]  # two letters swapped


def _dob(rng, real):
    roll = rng.random()
    if roll < 0.6:
        return real
    if roll < 0.8:
        return date(real.year + rng.choice((-1, 0, 1)), 1, 1)  # guessed from an age
    if roll < 0.93 and real.day <= 12:
        return date(real.year, real.day, real.month)  # written day-first
    if roll < 0.97:
        return real
    return None


def synthetic_set(identities=120, seed=21):
    """[(identity number, names, date of birth, nationality)], one row per referral."""
    rng = random.Random(seed)
    rows = []
    for number in range(identities):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        real = date(rng.randint(1975, 2008), rng.randint(1, 12), rng.randint(1, 28))
        nationality = rng.choice(NATIONALITIES)
        for copy in range(rng.choice((1, 1, 2, 2, 3))):
            g, f = rng.choice(given), rng.choice(family)
            g, f = _typo(rng, g), _typo(rng, f)
            names = [f, g] if rng.random() < 0.15 else [g, f]
            dob = real if copy == 0 else _dob(rng, real)
            nat = nationality if rng.random() < 0.9 else "unknown"
            rows.append((number, names, dob, nat))
    return rows


def measure(rows):
    """Precision and recall of ``referral.agencies.matching`` over every pair of rows."""
    from referral.agencies import matching
    stored = [matching.plain_keys(r[1], r[2], r[3]) for r in rows]
    asked = [matching.query_keys(r[1], r[2], r[3]) for r in rows]
    tp = fp = fn = exact = 0
    for j in range(len(rows)):
        for i in range(j):
            same = rows[i][0] == rows[j][0]
            found = matching.is_match(matching.kinds_of(asked[j] & stored[i]),
                                      rows[j][2] is not None)
            tp += same and found
            fp += found and not same
            fn += same and not found
            # the exact match of ``Person.name_index`` and ``birth_index`` on main
            exact += same and rows[i][1] == rows[j][1] and rows[i][2] == rows[j][2]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"pairs_same_person": tp + fn, "found": tp + fp, "true_positives": tp,
            "false_positives": fp, "false_negatives": fn,
            "precision": round(precision, 3), "recall": round(recall, 3),
            "exact_match_recall": round(exact / (tp + fn), 3) if tp + fn else 1.0}
