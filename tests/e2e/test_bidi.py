"""Right-to-left names and words stay isolated on the partner's screen: the element that shows them takes
its direction from the text (dir="auto") and is isolated (unicode-bidi: isolate), so the app's own words
around a Hebrew or Arabic name keep their order."""
import pytest

from .e2e_support import open_app, seed, tab

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


def test_a_name_with_a_direction_override_is_refused(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    response = sam.request.patch(f"{live_server.url}/api/me", data={"display_name": "Sam\u202e"})
    assert response.status == 422
    assert "direction" in response.json()["errors"]["display_name"][0]
