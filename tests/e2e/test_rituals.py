"""Rituals: the list with next times, a weekly check-in run offline end to end (timer from the stored
start, a pass, an answer, a commitment), the partner seeing it, edit conflicts, commitments done."""

import datetime

import pytest

from backend.models import utcnow

from .e2e_support import artifacts, go_offline, go_online, open_app, seed, settle, tab, wait_synced, wait_until, words

pytestmark = pytest.mark.e2e
CHECKIN_FIRST = "Phones away, in another room if you can. What went well for us this week?"


def rituals_page(page):
    tab(page, "/rituals")
    page.get_by_role("heading", name="Rituals", exact=True).wait_for()
    page.locator('.ritual[data-type="weekly_checkin"]').wait_for()


def ritual(page, kind):
    return page.locator(f'.ritual[data-type="{kind}"]')


def elapsed(page):
    return int(page.get_attribute(".timer-digits", "data-elapsed"))


def shoot(page, name):
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts("screenshots", f"{name}.png"), full_page=True)


def test_weekly_checkin_offline_then_the_partner_sees_it(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    wait_synced(page)
    rituals_page(page)
    # The list says when: weekly check-in on a Sunday, in the user's zone.
    when = ritual(page, "weekly_checkin").locator(".ritual-when").inner_text()
    assert "Sun" in when or "Today" in when or "Tomorrow" in when, when
    assert ritual(page, "story").locator(".ritual-when").inner_text() == "Any time"

    go_offline(alex)
    ritual(page, "weekly_checkin").get_by_role("button", name="Start Weekly check-in").click()
    page.get_by_role("timer").wait_for()
    page.get_by_text("Prompt 1 of 5").wait_for()
    first = elapsed(page)
    page.wait_for_timeout(2500)
    assert elapsed(page) >= first + 1  # counting
    page.get_by_role("button", name="Pass").click()
    page.get_by_text("Prompt 2 of 5").wait_for()
    page.get_by_label("Your answer").fill("The move was hard on both of us")
    page.get_by_role("button", name="Next").click()
    page.get_by_text("Prompt 3 of 5").wait_for()

    before = elapsed(page)
    url = page.url
    page.reload()  # offline: the shell and the session come from the phone; the timer from started_at
    page.get_by_role("timer").wait_for()
    page.get_by_text("Prompt 3 of 5").wait_for()
    assert page.url == url
    wait_until(page, "() => document.querySelector('.timer-digits').dataset.elapsed !== undefined")
    assert elapsed(page) >= before, (elapsed(page), before)

    page.get_by_label("Notes (your partner sees them too)").fill("Walk on Saturday came up")
    page.get_by_role("button", name="End session").click()
    page.get_by_role("heading", name="Agree on one next step").wait_for()
    page.get_by_label("Next step", exact=True).fill("Book the Saturday walk")
    page.get_by_role("button", name="Add commitment").click()
    page.get_by_text("Added: Book the Saturday walk").wait_for()
    assert live_server.entries(kind="ritual_session") == []

    go_online(alex)
    page.get_by_role("button", name="Done").click()
    settle(page, timeout=30_000)
    [session] = live_server.entries(kind="ritual_session")
    body = words(page, session)  # as a phone of the couple opens it
    assert body["passed"] == [CHECKIN_FIRST]
    assert body["answers"][0]["text"] == "The move was hard on both of us"
    assert body["ended_at"] and body["note"] == "Walk on Saturday came up"

    partner = open_app(sam)
    wait_synced(partner)
    rituals_page(partner)
    item = partner.locator(f'.session-item[data-id="{session.id}"]')
    item.wait_for()
    assert "1 answered" in item.inner_text() and "passed" not in item.inner_text()  # passes are never counted
    tab(partner, "/more")
    partner.get_by_role("navigation", name="More screens").get_by_role("link", name="Commitments").click()
    partner.get_by_text("Book the Saturday walk").wait_for()


def test_both_edit_a_ritual_and_the_conflict_shows_the_current_version(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    a, s = open_app(alex), open_app(sam)
    wait_synced(a)
    wait_synced(s)
    for page in (a, s):
        rituals_page(page)
        ritual(page, "weekly_checkin").get_by_role("link", name="Edit Weekly check-in").click()
        page.get_by_label("Name").wait_for()
    go_offline(sam)  # Sam edits from the same version while Alex's change lands first
    a.get_by_label("Minutes").fill("25")
    a.get_by_role("button", name="Save changes").click()
    settle(a, timeout=30_000)
    s.get_by_label("Name").fill("Sunday talk")
    s.get_by_role("button", name="Save changes").click()
    go_online(sam)
    s.get_by_role("heading", name="Couldn't save").wait_for(timeout=30_000)  # the app-wide notice
    ritual(s, "weekly_checkin").locator("a", has_text="Edit").click()
    s.get_by_role("heading", name="Your partner changed this first").wait_for()
    current = s.locator(".conflicts .version").first
    assert "Weekly check-in" in current.inner_text() and "25" in current.inner_text()
    shoot(s, "ritual-conflict")
    s.get_by_role("button", name="Re-apply my change").click()
    settle(s, timeout=30_000)
    [entry] = [e for e in live_server.entries(kind="ritual") if e.body["type"] == "weekly_checkin"]
    assert words(s, entry)["title"] == "Sunday talk" and entry.body["duration_min"] == 25
    assert "template" not in entry.body  # renamed: the words are the couple's, not the default's


def test_an_edit_from_a_form_filled_before_the_partners_change_arrived_is_a_conflict(new_context, people, live_server):
    """Sam's phone is online and has Alex's new length by the time Sam saves a rename typed into a form filled
    before it: the save must not send the form's older length over Alex's (a lost update); it is a conflict,
    and re-applying keeps both changes."""
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    a, s = open_app(alex), open_app(sam)
    wait_synced(a)
    wait_synced(s)
    for page in (a, s):
        rituals_page(page)
        ritual(page, "weekly_checkin").get_by_role("link", name="Edit Weekly check-in").click()
        page.get_by_label("Name").wait_for()
    a.get_by_label("Minutes").fill("25")
    a.get_by_role("button", name="Save changes").click()
    settle(a, timeout=30_000)
    [entry] = [e for e in live_server.entries(kind="ritual") if e.body["type"] == "weekly_checkin"]
    assert entry.body["duration_min"] == 25
    s.evaluate("() => window.dispatchEvent(new Event('online'))")  # Sam's phone syncs (as on coming back online)
    wait_until(  # Sam's phone holds Alex's change; the form on screen still shows 20
        s,
        "async (id) => (await import('/frontend/js/store.js')).store.byId(id)?.body.duration_min === 25",
        entry.id,
        timeout=30_000,
    )
    assert s.get_by_label("Minutes").input_value() == "20"
    s.get_by_label("Name").fill("Sunday talk")
    s.get_by_role("button", name="Save changes").click()
    s.get_by_role("heading", name="Couldn't save").wait_for(timeout=30_000)
    [entry] = live_server.entries(id=entry.id)
    assert entry.body["duration_min"] == 25 and entry.body["template"] == "weekly_checkin"
    ritual(s, "weekly_checkin").locator("a", has_text="Edit").click()
    s.get_by_role("heading", name="Your partner changed this first").wait_for()
    s.get_by_role("button", name="Re-apply my change").click()
    settle(s, timeout=30_000)
    [entry] = live_server.entries(id=entry.id)
    assert words(s, entry)["title"] == "Sunday talk" and entry.body["duration_min"] == 25


def test_commitment_on_its_own_marked_done(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    wait_synced(page)
    rituals_page(page)
    page.get_by_role("link", name="Commitments").first.click()
    page.get_by_label("Next step", exact=True).fill("Call the plumber together")
    page.get_by_role("button", name="Add commitment").click()
    page.get_by_role("checkbox", name="Call the plumber together").check()
    page.get_by_role("heading", name="Done").wait_for()
    settle(page, timeout=30_000)
    [entry] = live_server.entries(kind="commitment")
    assert entry.body["done_at"] and words(page, entry)["text"] == "Call the plumber together"


SHOTS = [
    "rituals",
    "ritual-edit",
    "runner",
    "pause-cue",
    "end-screen",
    "commitments",
    "vulnerability",
    "story",
    "review",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_ritual_screens_screenshots(new_context, people, live_server, scheme):
    """Every new screen at 390x844 into test-artifacts/screenshots/ (look at them); no console errors."""
    from .test_screens import watch

    alex, sam = new_context(color_scheme=scheme), new_context()
    people.pair(alex, sam)
    yesterday = (utcnow().date() - datetime.timedelta(days=1)).isoformat()
    seed(live_server, sam, "commitment", {"text": "Ring the landlord about the boiler", "due_date": yesterday})
    page = alex.new_page()
    problems = watch(page)
    page.goto("/")
    wait_synced(page)
    rituals_page(page)
    page.get_by_role("heading", name="Past sessions").wait_for()
    shoot(page, f"rituals-list-{scheme}")
    ritual(page, "weekly_checkin").get_by_role("link", name="Edit Weekly check-in").click()
    page.get_by_label("Name").wait_for()
    shoot(page, f"ritual-edit-{scheme}")

    tab(page, "/rituals")
    ritual(page, "weekly_checkin").get_by_role("button", name="Start Weekly check-in").click()
    page.get_by_role("button", name="Pass").click()
    page.get_by_text("Prompt 2 of 5").wait_for()
    shoot(page, f"runner-{scheme}")
    page.get_by_label("Your answer").fill("The move, and the boxes")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="End session").click()
    page.get_by_role("heading", name="Agree on one next step").wait_for()
    page.get_by_label("Next step", exact=True).fill("Unpack the kitchen box together")
    page.get_by_role("button", name="Add commitment").click()
    page.get_by_label("Something you appreciate about Sam").fill("Thank you for carrying the heavy ones")
    shoot(page, f"end-screen-{scheme}")

    tab(page, "/rituals")
    ritual(page, "connection_check").get_by_role("button", name="Start Connection check").click()
    page.get_by_role("button", name="On to the questions").click()
    page.get_by_role("button", name="I've asked it").click()
    page.get_by_role("heading", name="Pause").wait_for()  # between the question and its answer
    shoot(page, f"pause-cue-{scheme}")
    page.get_by_role("heading", name="Answer").wait_for()

    tab(page, "/rituals")
    ritual(page, "vulnerability").get_by_role("button", name="Start Five minutes each").click()
    page.get_by_role("timer").wait_for()
    shoot(page, f"vulnerability-{scheme}")
    tab(page, "/rituals")
    ritual(page, "story").get_by_role("button", name="Start A 90-second story").click()
    page.get_by_label("I felt").select_option("nervous")
    page.get_by_label("when", exact=True).fill("I gave the toast at your sister's wedding")
    page.get_by_label("and that taught me").fill("that you notice when I'm scared")
    shoot(page, f"story-{scheme}")

    page.goto("/commitments")
    page.get_by_text("Unpack the kitchen box together").wait_for()
    page.locator(".commitment.overdue").get_by_text("still worth doing").wait_for()  # gently
    shoot(page, f"commitments-{scheme}")
    page.goto("/reassess")
    page.get_by_role("heading", name="The rhythm").wait_for()
    shoot(page, f"review-{scheme}")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/rituals")
    page.get_by_role("heading", name="Coming up").wait_for()
    shoot(page, f"rituals-list-320-{scheme}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    assert problems == [], problems


def test_review_changes_cadence_in_one_tap_and_records_a_session(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    wait_synced(page)
    rituals_page(page)
    page.goto("/reassess")
    page.get_by_role("radiogroup", name="How often: Weekly check-in").get_by_role(
        "radio", name="Every two weeks"
    ).click()
    page.get_by_label("Are the questions deep enough?").fill("Mostly; the Sunday one could go deeper")
    page.get_by_role("button", name="Finish the review").click()
    page.get_by_role("heading", name="Rituals", exact=True).wait_for()
    settle(page, timeout=30_000)
    [checkin] = [e for e in live_server.entries(kind="ritual") if e.body["type"] == "weekly_checkin"]
    assert checkin.body["schedule"]["interval"] == 2 and checkin.body["schedule"]["start_date"]
    [review] = [e for e in live_server.entries(kind="ritual") if e.body["type"] == "reassessment"]
    [session] = live_server.entries(kind="ritual_session")
    assert session.ref_id == review.id and session.body["ended_at"]
    assert words(page, session)["answers"] == [
        {"prompt": "Are the questions deep enough?", "text": "Mostly; the Sunday one could go deeper"}
    ]
    assert "Every other Sunday" in ritual(page, "weekly_checkin").inner_text()


def test_a_session_in_russian_end_to_end(new_context, people, live_server):
    """A phone that speaks Russian: default rituals written in the joiner's Russian, the runner, the end
    screen and the follow-up in Russian; the follow-up stored under its stable id; an older session that
    named the follow-up by its English text still reads as one. Screenshots at 390x844."""
    alex, sam = new_context(locale="ru-RU"), new_context(locale="ru-RU")
    people.signup(alex, "Alex")
    people.signup(sam, "Sam")
    assert sam.request.patch(f"{live_server.url}/api/me", data={"language": "ru"}).status == 200
    invite = alex.request.post(f"{live_server.url}/api/couple", data={}).json()["invite"]
    assert sam.request.post(f"{live_server.url}/api/couple/join", data={"code": invite["code"]}).status == 200
    page = open_app(alex)
    wait_synced(page)
    [checkin] = [r for r in live_server.entries(kind="ritual") if r.body["type"] == "weekly_checkin"]
    older = seed(
        live_server,
        alex,
        "ritual_session",
        {
            "started_at": "2026-06-07T08:00:00Z",
            "ended_at": "2026-06-07T08:20:00Z",
            "passed": [],
            "note": "",
            "answers": [{"prompt": "Follow-up message", "text": "Old follow-up, stored by its English text"}],
        },  # i18n-ok
        ref_id=checkin.id,
    )

    page.goto("/rituals")  # by address: the tab bar's names are another screen's words
    ritual(page, "weekly_checkin").locator("button.btn.primary").click()
    page.get_by_text("Вопрос 1 из 5").wait_for()
    page.get_by_role("heading", name="Телефоны в сторону, лучше в другую комнату.").wait_for()
    page.get_by_role("button", name="Пропустить").click()
    page.get_by_text("Вопрос 2 из 5").wait_for()
    page.get_by_label("Твой ответ").fill("Переезд дался нам обоим нелегко")
    page.get_by_role("button", name="Дальше").click()
    page.get_by_text("Вопрос 3 из 5").wait_for()
    shoot(page, "runner-ru")
    page.get_by_role("button", name="Завершить встречу").click()
    page.get_by_role("heading", name="Договоритесь об одном шаге").wait_for()
    page.get_by_text("Слов: 0 из 60").wait_for()
    page.get_by_role("textbox", name="Сообщение после разговора").fill(
        "Светлый момент: прогулка. Действие: суббота. Вопрос: куда?"
    )
    page.get_by_role("button", name="Сохранить сообщение").click()
    page.get_by_text("увидит его на «Сегодня»").wait_for()  # the follow-up reaches the partner
    shoot(page, "end-screen-ru")
    settle(page, timeout=30_000)
    [session] = [s for s in live_server.entries(kind="ritual_session") if s.id != older]
    body = words(page, session)
    assert body["passed"] == ["Телефоны в сторону, лучше в другую комнату. Что у нас получилось на этой неделе?"]
    assert body["answers"][-1] == {
        "prompt": "Сообщение после разговора",
        "prompt_id": "follow_up",
        "text": "Светлый момент: прогулка. Действие: суббота. Вопрос: куда?",
    }

    page.goto(f"/session/{older}")
    page.get_by_role("heading", name="О чём вы поговорили").wait_for()
    page.get_by_text("Ответы не записаны.").wait_for()  # the old follow-up is not a ritual answer
    page.locator(".ending h3", has_text="Сообщение после разговора").wait_for()
    page.get_by_text("Old follow-up, stored by its English text").wait_for()
    assert (
        page.get_by_role("textbox", name="Сообщение после разговора").input_value()
        == "Old follow-up, stored by its English text"
    )
