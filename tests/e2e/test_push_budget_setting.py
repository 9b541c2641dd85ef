"""More → "Notifications a day": the one daily push budget, 0 to PUSH_BUDGET_MAX, said in kind words in
English and Russian; choosing one and saving stores it on the server. HEARTH_SHOTS=/some/dir saves the
390×844 screen in both languages."""

import os
from pathlib import Path

import pytest

from .e2e_support import open_app

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("HEARTH_SHOTS")
LOCALES = {"en": "en-US", "ru": "ru-RU"}
WORDS = {
    "en": {"label": "Notifications a day", "three": "At most 3 a day", "none": "None: Hearth stays quiet"},
    "ru": {"label": "Уведомлений в день", "three": "Не больше 3 в день", "none": "Ни одного: Hearth не беспокоит"},
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_push_budget_is_chosen_in_kind_words_and_saved(new_context, people, live_server, lang):
    alex, sam = new_context(locale=LOCALES[lang]), new_context(locale=LOCALES[lang])
    people.pair(alex, sam)
    page = open_app(alex, "/more")
    w = WORDS[lang]
    select = page.get_by_label(w["label"])
    select.wait_for()
    assert select.locator("option:checked").inner_text() == w["three"]  # the default
    assert [o.strip() for o in select.locator("option").all_inner_texts()][0] == w["none"]
    select.scroll_into_view_if_needed()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"push-budget-{lang}.png"))
    select.select_option("0")
    select.locator("xpath=ancestor::form").get_by_role("button").last.click()
    page.wait_for_function("() => document.body.innerText.length > 0")
    for _ in range(50):
        user = alex.request.get(f"{live_server.url}/api/me").json()["user"]
        if user["daily_push_budget"] == 0:
            break
        page.wait_for_timeout(100)
    assert user["daily_push_budget"] == 0
