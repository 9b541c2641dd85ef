"""Agreements both partners change: a conflict shows in place with three ways out, "Saved" waits for the
server, and edits queued one after another (offline, or made then edited) all land."""

import pytest

from .e2e_support import (
    artifacts,
    go_offline,
    go_online,
    moved,
    open_app,
    seed,
    settle,
    synced_at,
    wait_synced,
    wait_until,
    words,
)

pytestmark = pytest.mark.e2e

FIRST = "No name-calling, even when we're angry."
ALEX = "No name-calling, ever."
SAM = "No name-calling; we say what we feel instead."


WORDS = {
    "en-US": ("Edit: {}", "Agreement", "Save", "Saved on this phone"),
    "ru-RU": ("Изменить: {}", "Договорённость", "Сохранить", "Сохранено на этом телефоне"),
}


def edit(page, old, new, locale="en-US"):
    label, box, save, _ = WORDS[locale]
    page.get_by_role("button", name=label.format(old)).click()
    page.get_by_label(box, exact=True).first.fill(new)
    page.get_by_role("button", name=save, exact=True).click()
    page.get_by_text(new).wait_for()


def toasts(page):
    """Every text the toast showed since the page loaded (it is replaced in place)."""
    page.evaluate(
        """() => { window.toasts = []; new MutationObserver(() => window.toasts.push(
        document.getElementById('toast').textContent)).observe(document.getElementById('toast'),
        {childList: true, subtree: true, characterData: true}); }"""
    )


def both_edit_offline(new_context, people, live_server, locale="en-US"):
    """Alex and Sam each change one agreement offline; Sam's lands first. Returns (alex's page, the agreement id,
    its rev before the edits: 1, or 2 where the server seals words and Alex's phone sealed the seeded words)."""
    alex, sam = new_context(locale=locale), new_context(locale=locale)
    people.pair(alex, sam)
    agreement = seed(live_server, alex, "agreement", {"text": FIRST, "category": "conflict_rule"})
    page, partner = open_app(alex, "/agreements"), open_app(sam, "/agreements")
    wait_synced(page)
    base = moved(live_server, agreement).rev
    if base > 1:  # Sam's phone takes the sealed version before both go offline
        settle(page)
        before = synced_at(partner)
        partner.evaluate("() => window.dispatchEvent(new Event('online'))")
        wait_synced(partner, after=before)
    wait_synced(partner)
    toasts(page)
    go_offline(alex)
    go_offline(sam)
    edit(page, FIRST, ALEX, locale)
    page.get_by_text(WORDS[locale][3]).wait_for()
    edit(partner, FIRST, SAM, locale)
    go_online(sam)
    partner.evaluate("() => window.dispatchEvent(new Event('online'))")
    settle(partner)
    go_online(alex)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.locator(f'li.conflict[data-id="{agreement}"]').wait_for()
    return page, agreement, base


def test_a_conflicting_edit_shows_in_place_with_both_wordings_and_never_a_false_saved(new_context, people, live_server):
    page, agreement, base = both_edit_offline(new_context, people, live_server)
    card = page.locator(f'li.conflict[data-id="{agreement}"]')
    assert card.locator(".quote.theirs").text_content() == SAM
    assert card.locator(".quote.mine").text_content() == ALEX
    for name in ("Keep theirs", "Use mine", "Edit from mine"):
        card.get_by_role("button", name=name).wait_for()
    # In place only: no "Couldn't save" card, and the server kept Sam's wording.
    assert page.get_by_text("Couldn't save").count() == 0
    assert not any(text.startswith("Saved.") for text in page.evaluate("() => window.toasts"))
    [row] = live_server.entries(kind="agreement")
    assert words(page, row)["text"] == SAM and row.rev == base + 1
    page.screenshot(path=artifacts("agreements", "conflict-en.png"))
    # Elsewhere one line leads back to the choice.
    page.get_by_role("link", name="Today", exact=True).click()
    page.get_by_role("link", name="An agreement was changed by both of you at once").wait_for()


def test_keep_theirs_clears_the_choice_and_changes_nothing(new_context, people, live_server):
    page, agreement, base = both_edit_offline(new_context, people, live_server)
    page.get_by_role("button", name="Keep theirs").click()
    page.locator(f'[data-kind="agreement"][data-id="{agreement}"] .text').filter(has_text=SAM).wait_for()
    assert page.locator("li.conflict").count() == 0
    settle(page)
    [row] = live_server.entries(kind="agreement")
    assert words(page, row)["text"] == SAM and row.rev == base + 1


def test_use_mine_saves_my_wording_over_theirs_and_says_saved_once_the_server_did(new_context, people, live_server):
    page, agreement, base = both_edit_offline(new_context, people, live_server)
    page.get_by_role("button", name="Use mine").click()
    page.get_by_text("Saved. You'll both see the new wording.").wait_for()
    settle(page)
    [row] = live_server.entries(kind="agreement")
    assert words(page, row)["text"] == ALEX and row.rev == base + 2
    assert page.locator("li.conflict").count() == 0


def test_edit_from_mine_opens_the_form_with_my_wording(new_context, people, live_server):
    page, agreement, base = both_edit_offline(new_context, people, live_server)
    page.get_by_role("button", name="Edit from mine").click()
    box = page.get_by_role("form", name="Edit agreement").get_by_label("Agreement", exact=True)
    box.wait_for()
    assert box.input_value() == ALEX
    box.fill("No name-calling, ever; we name the feeling.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved. You'll both see the new wording.").wait_for()
    [row] = live_server.entries(kind="agreement")
    assert words(page, row)["text"] == "No name-calling, ever; we name the feeling." and row.rev == base + 2


def test_russian_conflict_card(new_context, people, live_server):
    page, _, _ = both_edit_offline(new_context, people, live_server, locale="ru-RU")
    page.get_by_role("button", name="Оставить мой").wait_for()
    page.screenshot(path=artifacts("agreements", "conflict-ru.png"))


def test_two_edits_offline_both_land(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/agreements")
    wait_synced(page)
    go_offline(alex)
    # Made and edited twice before any sync: each write builds on the one before it.
    page.get_by_label("Agreement", exact=True).first.fill(FIRST)
    page.get_by_role("button", name="Add agreement").click()
    page.locator('[data-kind="agreement"] .text').filter(has_text=FIRST).wait_for()
    edit(page, FIRST, ALEX)
    edit(page, ALEX, SAM)
    go_online(alex)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    settle(page)
    [row] = live_server.entries(kind="agreement")
    assert words(page, row)["text"] == SAM and row.rev == 3
    assert page.get_by_text("Couldn't save").count() == 0
    assert page.locator("li.conflict").count() == 0


def test_a_ritual_edited_twice_offline_keeps_the_second_edit(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/rituals")
    wait_synced(page)
    wait_until(page, "() => document.querySelector('li.ritual') !== null")
    go_offline(alex)
    titles = page.evaluate(
        """async () => {
        const { store } = await import('/frontend/js/store.js');
        const { update } = await import('/frontend/js/entries.js');
        const ritual = store.entries.find((e) => e.kind === 'ritual' && e.body.type === 'weekly_checkin');
        await update(ritual, { ...ritual.body, title: 'Sunday talk' });
        const now = store.byId(ritual.id);
        await update(now, { ...now.body, title: 'Sunday tea talk' });
        return ritual.id;
    }"""
    )
    go_online(alex)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    settle(page)
    [row] = live_server.entries(id=titles)
    assert words(page, row)["title"] == "Sunday tea talk"
    assert page.get_by_text("Couldn't save").count() == 0


def test_removed_by_me_while_changed_by_them_offers_to_remove_it_still(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    agreement = seed(live_server, alex, "agreement", {"text": FIRST, "category": "conflict_rule"})
    page, partner = open_app(alex, "/agreements"), open_app(sam, "/agreements")
    wait_synced(page)
    wait_synced(partner)
    go_offline(alex)
    page.get_by_role("button", name=f"Remove: {FIRST}").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    edit(partner, FIRST, SAM)
    settle(partner)
    go_online(alex)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    card = page.locator(f'li.conflict[data-id="{agreement}"]')
    card.get_by_text("You removed it.").wait_for()
    assert card.get_by_role("button", name="Edit from mine").count() == 0
    card.get_by_role("button", name="Use mine").click()
    page.get_by_text("Removed. It's gone from both lists.").wait_for()
    [row] = live_server.entries(id=agreement)
    assert row.deleted
