"""Our story (/story) on two phones: what the partner shared nine days ago is still there, private lines
show only to their author, filters by kind and person, search that folds case and accents, "On this day",
"Our answers" side by side only when both answered (a withheld answer never shows), offline, and Russian."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.extensions import db
from backend.models import Entry, utcnow

from .e2e_support import BERLIN, artifacts, go_offline, open_app, seed, wait_synced, wait_until
from .test_russian_today import no_english

pytestmark = pytest.mark.e2e

ZONE = "Europe/Berlin"


def aged(server, entry_id, delta):
    """Moves an entry's creation back in time, as if written then (before any phone pulled it)."""
    with server.app.app_context():
        db.session.execute(update(Entry).where(Entry.id == entry_id).values(created_at=utcnow() - delta))
        db.session.commit()


def day(days_ago):
    return (utcnow() - timedelta(days=days_ago)).astimezone(BERLIN).date().isoformat()


def answer(server, context, question_id, text, days_ago=0):
    body = {"question_id": question_id, "text": text, "local_date": day(days_ago)}
    entry_id = seed(server, context, "answer", body)
    aged(server, entry_id, timedelta(days=days_ago))
    return entry_id


def a_couples_story(server, alex, sam):
    """A few weeks and a year of a couple's entries, seeded through the API with their old dates."""
    said = seed(
        server, sam, "disclosure", {"text": "I was scared at the doctor's.", "category": "worry", "local_date": day(9)}
    )
    aged(server, said, timedelta(days=9))
    reflected = seed(server, alex, "reflection", {"text": "The doctor scared you. Is that right?"}, ref_id=said)
    aged(server, reflected, timedelta(days=8))
    seed(server, alex, "reaction", {"value": "heart"}, ref_id=said)
    seed(server, sam, "reaction", {"value": "right"}, ref_id=reflected)
    seed(server, sam, "appreciation", {"text": "Sam's own quiet note."}, visibility="private")
    seed(server, alex, "journal", {"text": "Private fish thoughts."}, visibility="private")
    aged(server, seed(server, alex, "appreciation", {"text": "Thanks for the Café crème."}), timedelta(days=2))
    aged(server, seed(server, sam, "checkin", {"mood": 4, "us": 5, "note": "Ёлка lights"}), timedelta(days=1))
    year = seed(
        server, alex, "disclosure", {"text": "We planted the cherry tree.", "category": "hope", "local_date": day(0)}
    )
    aged(server, year, utcnow() - utcnow().replace(year=utcnow().year - 1))
    answer(server, alex, "q-laugh", "Your cat impression.", days_ago=3)
    answer(server, sam, "q-laugh", "The bus driver's hat.", days_ago=3)
    answer(server, alex, "q-proud", "Only I answered this.", days_ago=4)
    answer(server, sam, "q-home", "Only Sam answered this one.", days_ago=5)


def story_page(context, path="/story"):
    page = open_app(context, path)
    wait_synced(page)
    page.locator(".story .entry").first.wait_for()
    return page


def entry(page, text):
    return page.locator(".story .entry", has_text=text)


def test_the_story_keeps_what_was_shared_and_private_lines_for_their_author(new_context, people, live_server):
    alex, sam = new_context(timezone_id=ZONE), new_context(timezone_id=ZONE)
    people.pair(alex, sam)
    a_couples_story(live_server, alex, sam)

    page = story_page(alex)
    said = entry(page, "scared at the doctor's")
    said.wait_for()  # nine days on, the partner's disclosure is still here
    shown = said.text_content()
    assert "The doctor scared you" in shown  # the reflection shows on what it answers, with its verdict
    assert "That's right" in shown and "♥ Heart" in shown
    assert page.locator(".story .entry[data-kind='reflection'], .story .entry[data-kind='reaction']").count() == 0
    assert "Sam's own quiet note." not in page.locator("body").inner_text()  # the partner's private line
    assert "Only you" in entry(page, "Private fish thoughts.").text_content()
    assert page.locator(".story section h2").first.inner_text() == "Today"
    heads = page.locator(".story section h2").all_inner_texts()
    assert "Yesterday" in heads and "Mon, Jun 1" in heads and "Tue, Jun 10, 2025" in heads
    page.screenshot(path=artifacts("screenshots", "story-en.png"))
    page.screenshot(path=artifacts("screenshots", "story-en-full.png"), full_page=True)
    said.screenshot(path=artifacts("screenshots", "story-en-disclosure.png"))

    theirs = story_page(sam)
    entry(theirs, "scared at the doctor's").wait_for()
    assert "Private fish thoughts." not in theirs.locator("body").inner_text()
    assert "Only you" in entry(theirs, "Sam's own quiet note.").text_content()


def test_with_no_earlier_year_on_this_day_looks_back_a_month(new_context, people, live_server):
    alex, sam = new_context(timezone_id=ZONE), new_context(timezone_id=ZONE)
    people.pair(alex, sam)
    month = utcnow() - utcnow().replace(month=utcnow().month - 1)  # the test's instant is mid-June
    aged(live_server, seed(live_server, sam, "appreciation", {"text": "Thanks for May's picnic."}), month)
    aged(live_server, seed(live_server, sam, "appreciation", {"text": "Two days off."}), month - timedelta(days=2))
    page = story_page(alex)
    memory = page.get_by_role("region", name="A month ago today")
    assert "Thanks for May's picnic." in memory.inner_text() and "Two days off." not in memory.inner_text()


def test_filters_search_and_on_this_day(new_context, people, live_server):
    alex, sam = new_context(timezone_id=ZONE), new_context(timezone_id=ZONE)
    people.pair(alex, sam)
    a_couples_story(live_server, alex, sam)
    page = story_page(alex)

    memory = page.get_by_role("region", name="On this day")
    assert "We planted the cherry tree." in memory.inner_text()

    kinds = page.get_by_role("group", name="Show")
    kinds.get_by_role("button", name="Appreciations").click()
    page.locator(".story .entry[data-kind='disclosure']").wait_for(state="detached")
    assert page.locator(".story .entry").all_inner_texts()[0].count("Café crème") == 1
    assert page.locator(".story .entry").count() == 1
    assert memory.count() == 0  # memories sit above the plain story, not a filtered one

    kinds.get_by_role("button", name="All").click()
    whose = page.get_by_role("group", name="Whose")
    whose.get_by_role("button", name="Sam").click()
    entry(page, "Private fish thoughts.").wait_for(state="detached")
    authors = set(page.eval_on_selector_all(".story .entry .meta strong", "ns => ns.map((n) => n.textContent)"))
    assert authors == {"Sam"}
    whose.get_by_role("button", name="Me").click()
    entry(page, "Private fish thoughts.").wait_for()
    assert entry(page, "scared at the doctor's").count() == 0
    whose.get_by_role("button", name="Both of us").click()

    search = page.get_by_role("searchbox", name="Search by word")
    search.fill("CAFE CREME")  # case and accents folded
    page.locator(".story .entry[data-kind='journal']").wait_for(state="detached")
    assert page.locator(".story .entry").count() == 1
    search.fill("елка")  # ё and е are one letter to a search
    entry(page, "Ёлка lights").wait_for()
    assert page.locator(".story .entry").count() == 1
    search.fill("doctor scared")  # a reflection's words find the disclosure it answers
    entry(page, "scared at the doctor's").wait_for()
    search.fill("nothing like this")
    page.get_by_text("Nothing here matches.").wait_for()


def test_our_answers_are_side_by_side_only_when_both_answered(new_context, people, live_server):
    alex, sam = new_context(timezone_id=ZONE), new_context(timezone_id=ZONE)
    people.pair(alex, sam)
    a_couples_story(live_server, alex, sam)
    page = story_page(alex)
    page.get_by_role("group", name="Show").get_by_role("button", name="Our answers").click()
    answers = page.get_by_role("region", name="Our answers")
    pair = answers.locator(".pair")
    pair.first.wait_for()
    assert pair.count() == 1
    text = pair.inner_text()
    assert "Your cat impression." in text and "The bus driver's hat." in text
    sides = [" ".join(side.split()) for side in pair.locator(".side > div").all_inner_texts()]
    assert sides == ["You Your cat impression.", "Sam The bus driver's hat."]  # yours first, then theirs
    assert "Only I answered this." not in answers.inner_text()
    page.screenshot(path=artifacts("screenshots", "story-answers-en.png"))
    # Sam's answer to a question Alex never answered stays withheld: not on this phone at all.
    assert "Only Sam answered" not in page.locator("body").inner_text()
    page.get_by_role("group", name="Show").get_by_role("button", name="All").click()
    entry(page, "Only I answered this.").wait_for()
    assert "Only Sam answered" not in page.locator("body").inner_text()


# An entry of a kind this phone does not know (a newer app's), as a sync would have stored it.
PUT_UNKNOWN = """async (entry) => new Promise((resolve) => {
  const open = indexedDB.open('hearth');
  open.onsuccess = () => {
    const tx = open.result.transaction('entries', 'readwrite');
    tx.objectStore('entries').put(entry);
    tx.oncomplete = () => resolve(true);
  };
})"""


def test_the_story_opens_offline_and_shows_an_unknown_kind_plainly(new_context, people, live_server):
    alex, sam = new_context(timezone_id=ZONE), new_context(timezone_id=ZONE)
    _, sam_user = people.pair(alex, sam)
    a_couples_story(live_server, alex, sam)
    page = open_app(alex, "/")  # Today, online: the phone syncs; the story's module was never loaded
    wait_synced(page)
    go_offline(alex)
    stored = page.evaluate(
        "async () => new Promise((r) => { const o = indexedDB.open('hearth'); o.onsuccess = () => {"
        " const q = o.result.transaction('meta').objectStore('meta').get('me'); q.onsuccess = () => r(q.result); }; })"
    )
    couple = stored["couple"]["id"]
    page.evaluate(
        PUT_UNKNOWN,
        {
            "id": str(uuid.uuid4()),
            "kind": "voice_note",  # a kind from a newer app, unknown to this phone
            "author_id": sam_user["id"],
            "visibility": "shared",
            "ref_id": None,
            "body": {"text": "Ha, that hat!", "tone": "warm"},
            "rev": 1,
            "created_at": utcnow().isoformat(),
            "updated_at": utcnow().isoformat(),
            "deleted": False,
            "couple_id": couple,
        },
    )
    page.goto("/story")
    entry(page, "scared at the doctor's").wait_for()
    entry(page, "Private fish thoughts.").wait_for()
    plain = entry(page, "Ha, that hat!")
    assert "entry" in plain.text_content()  # its kind's name is the neutral "entry"
    assert plain.locator(".meta strong").inner_text() == "Sam"


def many(server, context, count):
    """`count` appreciations in one sync, as one busy day."""
    couple = context.request.get(f"{server.url}/api/me").json()["couple"]
    mutations = [
        {
            "mid": n + 1,
            "op": "put",
            "entry": {
                "id": str(uuid.uuid4()),
                "kind": "appreciation",
                "visibility": "shared",
                "ref_id": None,
                "body": {"text": f"Thank you, number {n + 1}."},
            },
        }
        for n in range(count)
    ]
    body = {"client_id": str(uuid.uuid4()), "cursor": 0, "couple_id": couple["id"], "mutations": mutations}
    response = context.request.post(f"{server.url}/api/sync", data=body)
    assert response.status == 200 and {r["status"] for r in response.json()["results"]} == {"applied"}


def test_earlier_entries_load_as_you_scroll_or_tap(new_context, people, live_server):
    alex = new_context(timezone_id=ZONE)
    sam = new_context(timezone_id=ZONE)
    sam.add_init_script("delete window.IntersectionObserver;")  # a browser without it: the button
    people.pair(alex, sam)
    many(live_server, alex, 70)
    for context in (alex, sam):
        page = story_page(context)
        wait_until(page, "() => document.querySelectorAll('.story .entry').length === 50")  # one page first
        button = page.get_by_role("button", name="Show earlier days")
        if context is alex:
            button.scroll_into_view_if_needed()  # seen: the next page comes by itself
        else:
            page.wait_for_timeout(300)
            assert page.locator(".story .entry").count() == 50
            button.click()
        page.get_by_text("This is where your story begins.").wait_for()
        assert page.locator(".story .entry").count() == 70
        assert page.locator(".story section h2").all_inner_texts() == ["Today"]  # one day across two pages
        assert button.count() == 0


def test_after_leaving_the_story_shows_only_your_own(new_context, people, live_server):
    alex, sam = new_context(timezone_id=ZONE), new_context(timezone_id=ZONE)
    people.pair(alex, sam)
    a_couples_story(live_server, alex, sam)
    page = story_page(alex)
    entry(page, "scared at the doctor's").wait_for()
    assert alex.request.post(f"{live_server.url}/api/couple/leave", data={}).status == 204
    page.goto("/story")
    page.get_by_text("You're not in a couple now.").wait_for()  # the phone heard the couple ended
    entry(page, "We planted the cherry tree.").wait_for()
    assert entry(page, "scared at the doctor's").count() == 0
    assert page.get_by_role("group", name="Whose").count() == 0


def test_a_russian_phone_reads_its_story_in_russian(new_context, people, live_server):
    alex = new_context(locale="ru-RU", timezone_id=ZONE, color_scheme="dark")  # and in the dark
    sam = new_context(locale="ru-RU", timezone_id=ZONE)
    people.pair(alex, sam)
    a_couples_story(live_server, alex, sam)
    page = story_page(alex)
    page.get_by_role("heading", name="Наша история").wait_for()
    heads = page.locator(".story section h2").all_inner_texts()
    assert heads[0] == "Сегодня" and "Вчера" in heads
    assert "Только ты" in entry(page, "Private fish thoughts.").text_content()
    page.get_by_role("region", name="В этот день").wait_for()
    no_english(page)
    page.screenshot(path=artifacts("screenshots", "story-ru.png"))
    page.get_by_role("group", name="Показать").get_by_role("button", name="Наши ответы").click()
    page.get_by_role("region", name="Наши ответы").locator(".pair").wait_for()
    no_english(page)
    page.screenshot(path=artifacts("screenshots", "story-answers-ru.png"))


def test_an_empty_story_says_so_kindly_and_today_and_more_lead_to_it(new_context, people, live_server):
    alex, sam = new_context(timezone_id=ZONE), new_context(timezone_id=ZONE)
    people.pair(alex, sam)
    page = open_app(alex, "/")
    wait_synced(page)
    links = page.get_by_role("navigation", name="Rituals, our story and journal")
    links.screenshot(path=artifacts("screenshots", "story-today-link-en.png"))
    links.get_by_role("link", name="Our story").click()
    page.get_by_role("heading", name="Our story").wait_for()
    page.get_by_text("Your story starts with the first thing you share.").wait_for()
    page.screenshot(path=artifacts("screenshots", "story-empty-en.png"))
    page.get_by_role("group", name="Show").get_by_role("button", name="Our answers").click()
    page.get_by_text("When you both answer the same question").wait_for()
    page.get_by_role("navigation", name="Main").locator('a[href="/more"]').click()
    page.get_by_role("navigation", name="More screens").get_by_role("link", name="Our story").click()
    page.get_by_role("heading", name="Our story").wait_for()
