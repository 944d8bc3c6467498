#!/usr/bin/env python3
"""Writes a CSV of N made-up pre-reform physical cards for `onecard import` (bench/import.sh).

Usage: gen_cards.py N FILE [--bad K]

Every row is valid (check characters, cities, dates, validity limits) unless --bad K asks for
K refused rows spread through the file. Deterministic: the same N gives the same file.
"""
import datetime
import random
import sys

CITIES = ["110000", "120000", "130100", "310000", "320500", "330100", "440100", "440300", "510100", "610100"]
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
NATIONS = ["DEU", "FRA", "USA", "GBR", "JPN", "KOR", "ITA", "ESP", "CAN", "AUS", "BRA", "IND", "RUS", "SGP"]
SURNAMES = ["MÜLLER", "DUPONT", "SMITH", "TANAKA", "KIM", "ROSSI", "GARCÍA", "O'NEIL", "NGUYEN", "SILVA"]
GIVEN = ["Anna", "Jean", "John", "Yuki", "Min-jun", "Luca", "María José", "", "Priya", "Olga"]
POSITIONS = ["Senior Software Engineer", "Teacher of English", "Chief Financial Officer", "Researcher, \"AI\" lab", "Designer"]
CATEGORY_MONTHS = {"A": 60, "B": 24, "C": 12}


def mod11_2(digits):
    p = 0
    for c in digits:
        p = ((p + int(c)) * 2) % 11
    check = (12 - p % 11) % 11
    return "X" if check == 10 else str(check)


def uscc(n):
    body = "91" + "%06d" % (110000 + n % 500000) + "MA" + "%07d" % n
    s = sum(USCC_CHARSET.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
    return body + USCC_CHARSET[(31 - s % 31) % 31]


def quote(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


def main():
    n = int(sys.argv[1])
    path = sys.argv[2]
    bad = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--bad" else 0
    rnd = random.Random(n)
    serials = {}
    employers = max(1, n // 50)
    bad_every = n // bad if bad else 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("permit_number,surname,given_names,nationality,passport_number,date_of_birth,sex,email,"
                "employer_uscc,employer_name,employer_kind,category,position,city,valid_from,valid_to\r\n")
        for i in range(n):
            e = rnd.randrange(employers)
            city = CITIES[e % len(CITIES)]
            cat = rnd.choice("ABBBC")
            start = datetime.date(2022, 12, 1) + datetime.timedelta(days=rnd.randrange(700))
            months = rnd.randint(6, CATEGORY_MONTHS[cat])
            end = datetime.date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
            first_year = start.year - rnd.randrange(3)
            key = (city, first_year)
            serials[key] = serials.get(key, 0) + 1
            digits = "%s%04d%06d" % (city, first_year, serials[key])
            number = "P" + digits + mod11_2(digits)
            passport = "E%08d" % i
            born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rnd.randrange(14000))
            surname, given = rnd.choice(SURNAMES), rnd.choice(GIVEN)
            row = [number, surname, given, rnd.choice(NATIONS), passport, born.isoformat(), rnd.choice("FM"),
                   "holder%d@example.org" % i, uscc(e), "Example Employer %d Co., Ltd." % e, "enterprise",
                   cat, rnd.choice(POSITIONS), city, start.isoformat(), end.isoformat()]
            if bad_every and i % bad_every == bad_every - 1:
                row[14], row[15] = row[15], row[14]  # valid_to before valid_from
            f.write(",".join(quote(x) for x in row) + "\r\n")


if __name__ == "__main__":
    main()
