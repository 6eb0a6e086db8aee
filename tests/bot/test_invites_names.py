"""The invites file names each company in the organizer's language, falling back to the other
name: a buyer listed with only an English name is not a blank line."""

import csv

import builders
from bot.invites import write_invites
from store.db import session_scope
from store.invitations import invitations
from store.models import Role


def test_a_buyer_with_only_an_english_name_is_named(engine, tmp_path):
    with session_scope(engine) as session:
        builders.event(session)
        buyer = builders.participant(session, "B1", Role.buyer, company_en="Lotus Trading")
        buyer.company = ""  # listed with its English name alone
        builders.participant(session, "S1", Role.seller, company="다온식품", company_en="Daon")
        path = tmp_path / "invites.csv"
        write_invites(invitations(session), path, "boomup_bot", "ko")
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert [row[2] for row in rows[1:]] == ["Lotus Trading", "다온식품"]
