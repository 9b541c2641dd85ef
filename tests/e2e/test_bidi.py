"""Right-to-left names and words stay isolated on the partner's screen: the element that shows them takes
its direction from the text (dir="auto") and is isolated (unicode-bidi: isolate), so the app's own words
around a Hebrew or Arabic name keep their order."""

import pytest

from .e2e_support import open_app, seed, tab, wait_synced

pytestmark = pytest.mark.e2e

RTL_NAME = "שרה"
RTL_TEXT = "תודה על ארוחת הערב 3"

ISOLATION = """(text) => {
  const hits = [...document.querySelectorAll('body *')].filter(
    (el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.includes(text)));
  return hits.map((el) => ({ tag: el.tagName.toLowerCase(), dir: el.getAttribute('dir'),
                             bidi: getComputedStyle(el).unicodeBidi, parent: el.parentElement.textContent }));
}"""


def shown(page, text):
    page.get_by_text(text).first.wait_for()
    return page.evaluate(ISOLATION, text)


def test_a_right_to_left_name_and_text_render_isolated(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    renamed = sam.request.patch(f"{live_server.url}/api/me", data={"display_name": RTL_NAME})
    assert renamed.status == 200, renamed.text()
    seed(live_server, sam, "appreciation", {"text": RTL_TEXT})

    page = open_app(alex, "/appreciate")
    texts = shown(page, RTL_TEXT)
    assert texts and all(t["dir"] == "auto" and t["bidi"] == "isolate" for t in texts), texts
    names = shown(page, RTL_NAME)
    assert names and all(t["dir"] == "auto" and t["bidi"] == "isolate" for t in names), names
    assert any(t["parent"].startswith("From ") for t in names)  # inside the app's own sentence

    tab(page, "/more")
    paired = shown(page, RTL_NAME)
    assert any(t["tag"] == "bdi" and t["bidi"] == "isolate" and "Paired with" in t["parent"] for t in paired), paired


RTL_PARTNER = "נועה"

# For each element matching the selector: its text, and for every text node holding the name, whether the
# nearest bdi / [dir=auto] around it (inside that element) holds exactly the name: the name isolated inside
# the app's sentence, not the whole sentence marked as the user's or left plain.
NAME_ISOLATED = """([selector, name]) => [...document.querySelectorAll(selector)].map((root) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const isolated = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.includes(name)) continue;
    const box = node.parentElement.closest('bdi,[dir=auto]');
    isolated.push(!!box && root.contains(box) && box.textContent === name
      && getComputedStyle(box).unicodeBidi === 'isolate');
  }
  return { text: root.textContent.trim(), isolated };
})"""


def name_in(page, selector, name=RTL_PARTNER):
    return page.evaluate(NAME_ISOLATED, [selector, name])


def test_the_partners_right_to_left_name_is_isolated_inside_the_apps_sentences(new_context, people, live_server):
    """Toasts, section titles, entry titles and choice labels that name the partner put the name in its own
    <bdi>, word for word the same sentence, so a Hebrew name never reorders the words around it."""
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    renamed = sam.request.patch(f"{live_server.url}/api/me", data={"display_name": RTL_PARTNER})
    assert renamed.status == 200, renamed.text()
    seed(live_server, sam, "appreciation", {"text": "Thanks for the soup"})

    page = open_app(alex, "/")
    wait_synced(page)
    page.get_by_text("Thanks for the soup").wait_for()
    heading = name_in(page, "section.card h2")
    assert {"text": f"From {RTL_PARTNER}", "isolated": [True]} in heading, heading  # the Today feed card
    titles = name_in(page, "li[data-kind=appreciation] .meta strong")
    assert titles == [{"text": f"{RTL_PARTNER} appreciates you", "isolated": [True]}], titles

    page.get_by_label("What's true for you today?").fill("A small worry about the rent")
    page.get_by_role("radio", name="A worry").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text(f"Shared with {RTL_PARTNER}.").wait_for()  # the toast, word for word
    toast = name_in(page, "#toast")
    assert toast == [{"text": f"Shared with {RTL_PARTNER}.", "isolated": [True]}], toast

    tab(page, "/bids")
    page.get_by_role("radio", name=RTL_PARTNER).wait_for()  # the choice keeps the name as its accessible name
    label = name_in(page, "[role=radio][data-value=partner]")
    assert label == [{"text": RTL_PARTNER, "isolated": [True]}], label


def test_a_name_with_a_direction_override_is_refused(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    response = sam.request.patch(f"{live_server.url}/api/me", data={"display_name": "Sam\u202e"})
    assert response.status == 422
    assert "direction" in response.json()["errors"]["display_name"][0]
