"""A default ritual in each reader's language: Sam's phone speaks Russian and joins (so the stored words
are Russian), Alex's speaks English; each sees the weekly check-in's name, edit form and prompts in their
own language. Changing only its length keeps it a default; renaming it makes the new name the couple's,
shown to both as written.

HEARTH_SHOTS=/some/dir also saves 390×844 screenshots of the rituals list, the edit screen and a
running weekly check-in, in both languages."""

import os
from pathlib import Path

import pytest

from .e2e_support import open_app, settle, wait_synced, words

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("HEARTH_SHOTS")
WORDS = {
    "en": {
        "rituals": "Rituals",
        "title": "Weekly check-in",
        "first": "Phones away, in another room if you can. What went well for us this week?",
        "edit": "Edit Weekly check-in",
        "start": "Start Weekly check-in",
        "name": "Name",
        "minutes": "Minutes",
        "save": "Save changes",
        "prompt": "Prompt 1 of 5",
    },
    "ru": {
        "rituals": "Ритуалы",
        "title": "Разговор недели",
        "first": "Телефоны в сторону, лучше в другую комнату. Что у нас получилось на этой неделе?",
        "edit": "Изменить: Разговор недели",
        "start": "Начать: Разговор недели",
        "name": "Название",
        "minutes": "Минут",
        "save": "Сохранить",
        "prompt": "Вопрос 1 из 5",
    },
}


def shoot(page, lang, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{lang}.png"), full_page=True)


def checkin(page):
    return page.locator('.ritual[data-type="weekly_checkin"]')


def rituals_page(page, lang):
    page.goto("/rituals")
    page.get_by_role("heading", name=WORDS[lang]["rituals"], exact=True).wait_for()
    checkin(page).wait_for()


def stored_checkin(live_server):
    [entry] = [e for e in live_server.entries(kind="ritual") if e.body["type"] == "weekly_checkin"]
    return entry


def test_each_partner_reads_the_default_ritual_in_their_language(new_context, people, live_server):
    alex, sam = new_context(locale="en-US"), new_context(locale="ru-RU")
    people.pair(alex, sam)  # Sam joins: the stored words are Russian
    assert stored_checkin(live_server).body["title"] == WORDS["ru"]["title"]
    pages = {"en": open_app(alex), "ru": open_app(sam)}
    for lang, page in pages.items():
        w = WORDS[lang]
        wait_synced(page)
        rituals_page(page, lang)
        assert checkin(page).locator("h3").inner_text() == w["title"]
        shoot(page, lang, "rituals")
        checkin(page).get_by_role("link", name=w["edit"]).click()
        assert page.get_by_label(w["name"], exact=True).input_value() == w["title"]
        prompts = page.locator('textarea[name="prompts"]').input_value()
        assert prompts.split("\n")[0] == w["first"]
        shoot(page, lang, "ritual-edit")
        rituals_page(page, lang)
        checkin(page).get_by_role("button", name=w["start"]).click()
        page.get_by_text(w["prompt"]).wait_for()
        assert page.locator(".prompt-text").inner_text() == w["first"]
        shoot(page, lang, "session")

    # Sam changes only the length: still a default, so Alex still reads it in English.
    ru = pages["ru"]
    rituals_page(ru, "ru")
    checkin(ru).get_by_role("link", name=WORDS["ru"]["edit"]).click()
    ru.locator('input[name="title"]').wait_for()
    ru.get_by_label(WORDS["ru"]["minutes"], exact=True).fill("25")
    ru.get_by_role("button", name=WORDS["ru"]["save"]).click()
    settle(ru, timeout=30_000)
    entry = stored_checkin(live_server)
    assert (entry.body["duration_min"], entry.body["template"]) == (25, "weekly_checkin")

    # Alex renames it: the name is theirs now, and Sam reads it as Alex wrote it. Alex's phone has Sam's
    # length first (else the edit is made from the older copy, which is another test's conflict).
    en = pages["en"]
    en.reload()
    wait_synced(en)
    rituals_page(en, "en")
    checkin(en).get_by_role("link", name=WORDS["en"]["edit"]).click()
    en.get_by_label(WORDS["en"]["name"], exact=True).fill("Sunday talk")
    en.get_by_role("button", name=WORDS["en"]["save"]).click()
    settle(en, timeout=30_000)
    entry = stored_checkin(live_server)
    body = words(en, entry)  # as a phone of the couple opens it
    assert body["title"] == "Sunday talk" and "template" not in entry.body
    assert body["prompts"][0] == WORDS["en"]["first"] and entry.body["duration_min"] == 25
    ru.reload()
    wait_synced(ru)
    rituals_page(ru, "ru")
    assert checkin(ru).locator("h3").inner_text() == "Sunday talk"
