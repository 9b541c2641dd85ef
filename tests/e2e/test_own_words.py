"""Your words stay yours (issue 13, item 4): on two phones, the author edits and unsends their own
entries (the partner's phone removes an unsent one), turns a disclosure private and back, and shares a
journal line as a disclosure (the line stays, private). Screenshots of the sheet in English and Russian."""

import pytest

from backend.models import utcnow

from .conftest import PHONE
from .e2e_support import (
    artifacts,
    go_offline,
    go_online,
    open_app,
    seed,
    settle,
    synced_at,
    tab,
    wait_synced,
    wait_until,
    words,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_phone(browser, live_front):
    """A phone on live_front's origin: the app with /api/live, so the partner's screen updates by itself."""
    made = []

    def make():
        context = browser.new_context(base_url=live_front.url, viewport=PHONE, locale="en-US")
        context.hearth_language = "en"
        context.clock.set_system_time(utcnow())
        context.set_default_timeout(20_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def gone(page, text, timeout=15_000):
    wait_until(page, "(text) => !document.body.innerText.includes(text)", text, timeout)


def shown(page, text, timeout=15_000):
    wait_until(page, "(text) => document.body.innerText.includes(text)", text, timeout)


def test_an_appreciation_edited_then_unsent_changes_and_leaves_the_partners_phone(live_phone, people, live_server):
    alex, sam = live_phone(), live_phone()
    people.pair(alex, sam)
    page = open_app(alex, "/appreciate")
    wait_synced(page)
    page.get_by_label("Something you appreciate about Sam").fill("Thanks for the soup")
    page.get_by_role("button", name="Send appreciation").click()
    settle(page)
    partner = open_app(sam, "/appreciate")
    partner.get_by_text("Thanks for the soup").wait_for()
    assert partner.get_by_role("button", name="Edit or unsend this appreciation").count() == 0  # not theirs

    page.get_by_role("button", name="Edit or unsend this appreciation").click()
    sheet = page.get_by_role("dialog", name="Your appreciation")
    sheet.get_by_label("Your words").fill("Thanks for the soup and the song")
    page.screenshot(path=artifacts("screenshots", "own-edit-en.png"))
    sheet.get_by_role("button", name="Save changes").dblclick()
    page.get_by_text("Thanks for the soup and the song").wait_for()
    # Focus comes back to the entry's Edit, drawn again with the new words.
    wait_until(page, "() => document.activeElement?.getAttribute('aria-haspopup') === 'dialog'")
    settle(page)
    [row] = live_server.entries(kind="appreciation")
    assert (words(page, row)["text"], row.rev, row.deleted) == ("Thanks for the soup and the song", 2, False)
    shown(partner, "Thanks for the soup and the song")  # the live channel: no reload

    page.get_by_role("button", name="Edit or unsend this appreciation").click()
    page.get_by_role("dialog", name="Your appreciation").get_by_role("button", name="Unsend").click()
    confirm = page.get_by_role("dialog", name="Unsend this?")
    confirm.get_by_text("It goes from your phone and from Sam's.").wait_for()
    page.screenshot(path=artifacts("screenshots", "own-unsend-en.png"))
    confirm.get_by_role("button", name="Unsend").click()
    gone(page, "Thanks for the soup and the song")
    settle(page)
    assert [r.deleted for r in live_server.entries(kind="appreciation")] == [True]
    gone(partner, "Thanks for the soup and the song")  # removed on the partner's phone, live
    partner.reload()
    wait_synced(partner)
    assert partner.get_by_text("Thanks for the soup").count() == 0


def test_cancelling_the_unsend_keeps_the_entry(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    seed(live_server, alex, "bid", {"type": "joke", "bidder": "me", "note": "A pun about the cat"})
    page = open_app(alex, "/bids")
    page.get_by_text("A pun about the cat").first.wait_for()
    page.get_by_role("button", name="Edit or unsend this bid").click()
    page.get_by_role("dialog", name="Your bid").get_by_role("button", name="Unsend").click()
    page.get_by_role("dialog", name="Unsend this?").get_by_role("button", name="Cancel").click()
    page.get_by_role("dialog", name="Your bid").get_by_role("button", name="Close").click()
    page.wait_for_timeout(300)
    assert page.get_by_text("A pun about the cat").count() >= 1
    assert [r.deleted for r in live_server.entries(kind="bid")] == [False]


def test_a_private_disclosure_shared_later_and_private_again(live_phone, people, live_server):
    alex, sam = live_phone(), live_phone()
    people.pair(alex, sam)
    page = open_app(alex)
    wait_synced(page)
    page.get_by_label("What's true for you today?").fill("I worry about my job")
    page.get_by_role("form", name="Share one honest thing").get_by_text("Share with Sam").click()  # untick: just for me
    page.get_by_role("button", name="Save", exact=True).click()
    settle(page)
    [row] = live_server.entries(kind="disclosure")
    assert row.visibility == "private"
    partner = open_app(sam)
    wait_synced(partner)

    page.get_by_role("button", name="Edit or unsend this honest thing").click()
    sheet = page.get_by_role("dialog", name="Your honest thing")
    sheet.get_by_role("button", name="Delete").wait_for()  # nobody else has it: deleting, not unsending
    page.screenshot(path=artifacts("screenshots", "own-private-en.png"))
    sheet.get_by_role("button", name="Share with Sam").click()
    settle(page)
    assert [r.visibility for r in live_server.entries(kind="disclosure")] == ["shared"]
    shown(partner, "I worry about my job")

    page.get_by_role("button", name="Edit or unsend this honest thing").click()
    page.get_by_role("dialog", name="Your honest thing").get_by_role("button", name="Make private").click()
    settle(page)
    assert [r.visibility for r in live_server.entries(kind="disclosure")] == ["private"]
    gone(partner, "I worry about my job")
    page.get_by_text("I worry about my job").wait_for()  # still Alex's, marked private
    assert page.locator('[data-kind="disclosure"] .badge.sage').count() == 1


def test_a_journal_line_shared_as_a_disclosure_stays_in_the_journal(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    wait_synced(page)
    tab(page, "/journal")
    page.get_by_label("Write freely").fill("I felt close to Sam at the lake")
    page.get_by_role("button", name="Save to journal").click()
    page.get_by_role("button", name="Edit or unsend this journal entry").click()
    sheet = page.get_by_role("dialog", name="Your journal entry")
    sheet.get_by_role("button", name="Delete").wait_for()  # a journal line is nobody else's
    page.screenshot(path=artifacts("screenshots", "own-journal-en.png"))
    sheet.get_by_role("button", name="Share as an honest thing").click()
    share = page.get_by_role("dialog", name="Share as an honest thing")
    share.get_by_label("Your words").fill("I felt close to you at the lake")
    page.screenshot(path=artifacts("screenshots", "own-journal-share-en.png"))
    share.get_by_role("button", name="Share with Sam").evaluate("(b) => { b.click(); b.click(); b.click(); }")
    page.get_by_text("Shared with Sam. Your journal line stays private.").wait_for()
    settle(page)
    assert [(words(page, r)["text"], r.visibility) for r in live_server.entries(kind="disclosure")] == [
        ("I felt close to you at the lake", "shared")
    ]
    assert [(words(page, r)["text"], r.visibility) for r in live_server.entries(kind="journal")] == [
        ("I felt close to Sam at the lake", "private")
    ]
    page.get_by_text("I felt close to Sam at the lake").wait_for()  # the line stays

    partner = open_app(sam)
    partner.get_by_text("I felt close to you at the lake").wait_for()
    assert partner.get_by_text("I felt close to Sam at the lake").count() == 0


def test_the_sheet_speaks_russian(new_context, people, live_server):
    alex, sam = new_context(locale="ru-RU"), new_context(locale="ru-RU")
    people.pair(alex, sam)
    seed(live_server, alex, "appreciation", {"text": "Спасибо за суп"})
    seed(live_server, alex, "journal", {"text": "Мне было спокойно сегодня"}, visibility="private")
    page = open_app(alex, "/appreciate")
    page.get_by_text("Спасибо за суп").wait_for()
    page.get_by_role("button", name="Изменить или отозвать: благодарность").click()
    sheet = page.get_by_role("dialog", name="Твоя запись: благодарность")
    sheet.get_by_role("button", name="Сохранить изменения").wait_for()
    page.screenshot(path=artifacts("screenshots", "own-edit-ru.png"))
    sheet.get_by_role("button", name="Отозвать").click()
    page.get_by_role("dialog", name="Отозвать запись?").wait_for()
    page.screenshot(path=artifacts("screenshots", "own-unsend-ru.png"))
    page.get_by_role("dialog", name="Отозвать запись?").get_by_role("button", name="Отмена").click()
    sheet.get_by_role("button", name="Закрыть").click()
    page.goto("/journal")
    page.get_by_text("Мне было спокойно сегодня").wait_for()
    page.get_by_role("button", name="Изменить или отозвать: запись в дневнике").click()
    page.get_by_role("button", name="Поделиться как откровенностью").click()
    page.get_by_role("dialog", name="Поделиться как откровенностью").get_by_label("Твои слова").wait_for()
    page.screenshot(path=artifacts("screenshots", "own-journal-share-ru.png"))


def test_an_edit_and_an_unsend_made_offline_reach_the_server_and_the_partner(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    seed(live_server, alex, "appreciation", {"text": "Thanks for the tea"})
    seed(live_server, alex, "appreciation", {"text": "Thanks for the walk"})
    page = open_app(alex, "/appreciate")
    page.get_by_text("Thanks for the walk").wait_for()
    go_offline(alex)
    page.reload()  # the sheet's module comes from the worker's cache
    page.get_by_text("Thanks for the tea").wait_for()
    edit = page.get_by_role("button", name="Edit or unsend this appreciation")
    page.locator('[data-kind="appreciation"]', has_text="Thanks for the tea").get_by_role("button", name="Edit").click()
    page.get_by_role("dialog", name="Your appreciation").get_by_label("Your words").fill("Thanks for the green tea")
    page.get_by_role("button", name="Save changes").click()
    page.locator('[data-kind="appreciation"]', has_text="Thanks for the walk").get_by_role(
        "button", name="Edit"
    ).click()
    page.get_by_role("dialog", name="Your appreciation").get_by_role("button", name="Unsend").click()
    page.get_by_role("dialog", name="Unsend this?").get_by_role("button", name="Unsend").click()
    page.get_by_text("Unsent here. It goes from Sam's phone when you're back online.").wait_for()
    gone(page, "Thanks for the walk")
    assert edit.count() == 1
    assert {words(page, r)["text"] for r in live_server.entries(kind="appreciation")} == {
        "Thanks for the tea",
        "Thanks for the walk",
    }

    before = synced_at(page)
    go_online(alex)
    wait_synced(page, after=before)
    rows = live_server.entries(kind="appreciation")
    assert sorted((r.deleted, r.body.get("text", "") if r.deleted else words(page, r)["text"]) for r in rows) == [
        (False, "Thanks for the green tea"),
        (True, ""),
    ]
    partner = open_app(sam, "/appreciate")
    partner.get_by_text("Thanks for the green tea").wait_for()
    assert partner.get_by_text("Thanks for the walk").count() == 0
