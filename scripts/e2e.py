#!/usr/bin/env python3
"""End-to-end test of `tieup serve` in a real headless Chromium, driven through ChromeDriver's
WebDriver protocol (Python standard library only; no browser download, no network).

Usage: e2e.py BASE_URL CHROMEDRIVER_URL OUT_DIR
Drives the page like a coordinator: types a Japanese region and a sector, reads the shortlist,
opens a profile, compares two candidates, exports the CSV, prints the brief (print media) and
switches to Japanese; asks a grouped, then a filtered and an expanded query; then, with the store on, saves the shortlist, records decisions, opens a
project from the agreed candidate, reads the follow-ups due, records a follow-up, retrains and
switches to the new model and back. Saves a screenshot of each step under OUT_DIR and asserts
on the DOM.
"""

import base64
import json
import sys
import urllib.request

BASE, DRIVER, OUT = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), sys.argv[3]
ELEMENT = "element-6066-11e4-a52f-4a8e8dc0a3c6"
CHROME_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=en-US",
]


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(DRIVER + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read().decode())["value"]
    except urllib.error.HTTPError as e:
        raise AssertionError(f"{method} {path}: {e.code} {e.read().decode()[:500]}")


class Browser:
    def __init__(self, user_data_dir):
        args = CHROME_ARGS + [f"--user-data-dir={user_data_dir}"]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
        }}}
        self.session = call("POST", "/session", caps)["sessionId"]
        self.s = f"/session/{self.session}"
        call("POST", self.s + "/window/rect", {"width": 1280, "height": 1600})

    def go(self, url):
        call("POST", self.s + "/url", {"url": url})

    def url(self):
        return call("GET", self.s + "/url")

    def wait_url(self, part, seconds=15):
        """Waits until the address contains `part` (a click may return before the
        navigation it starts) and the new page has loaded."""
        import time
        deadline = time.time() + seconds
        while time.time() < deadline:
            if part in self.url() and self.js("return document.readyState") == "complete":
                return self.url()
            time.sleep(0.1)
        raise AssertionError(f"no page with {part!r} in its address: {self.url()}")

    def find(self, css):
        e = call("POST", self.s + "/element", {"using": "css selector", "value": css})
        return e.get(ELEMENT) or next(iter(e.values()))

    def find_all(self, css):
        found = call("POST", self.s + "/elements", {"using": "css selector", "value": css})
        return [e.get(ELEMENT) or e.get("ELEMENT") or next(iter(e.values())) for e in found]

    def type(self, css, text):
        element = self.find(css)
        call("POST", f"{self.s}/element/{element}/clear", {})
        call("POST", f"{self.s}/element/{element}/value", {"text": text})

    def click(self, css):
        call("POST", f"{self.s}/element/{self.find(css)}/click", {})

    def click_element(self, element):
        call("POST", f"{self.s}/element/{element}/click", {})

    def text(self, css):
        return call("GET", f"{self.s}/element/{self.find(css)}/text")

    def attr(self, css, name):
        return call("GET", f"{self.s}/element/{self.find(css)}/property/{name}")

    def source(self):
        return call("GET", self.s + "/source")

    def js(self, script):
        return call("POST", self.s + "/execute/sync", {"script": script, "args": []})

    def media(self, kind):
        call("POST", self.s + "/goog/cdp/execute",
             {"cmd": "Emulation.setEmulatedMedia", "params": {"media": kind}})

    def shot(self, name):
        # Full-page screenshot: grow the window to the page height first.
        height = int(self.js("return document.documentElement.scrollHeight"))
        call("POST", self.s + "/window/rect", {"width": 1280, "height": min(max(height, 800), 6000)})
        png = base64.b64decode(call("GET", self.s + "/screenshot"))
        with open(f"{OUT}/{name}.png", "wb") as f:
            f.write(png)
        call("POST", self.s + "/window/rect", {"width": 1280, "height": 1600})
        print(f"  screenshot {OUT}/{name}.png")

    def quit(self):
        call("DELETE", self.s)


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print(f"  ok: {message}")


def main():
    import tempfile
    with tempfile.TemporaryDirectory() as profile_dir:
        b = Browser(profile_dir)
        try:
            steps(b)
        finally:
            b.quit()
    print("e2e: all steps passed")


def steps(b):
    print("step 1: start page, type a region and a sector")
    b.go(BASE + "/")
    check(b.find_all("datalist#japan-regions option"), "the region box has type-ahead options")
    b.type("#region", "Fukushima")
    b.type("#sector", "medical devices")
    b.type("#top", "8")
    b.click("input[name=want][value=design_ability]")
    b.shot("01_query")
    b.click("#submit")
    b.wait_url("region=Fukushima")
    check("region=Fukushima" in b.url() and "want=design_ability" in b.url(),
          "the URL holds the query (bookmarkable)")

    print("step 2: read the shortlist")
    rows = b.find_all("tr.candidate")
    check(len(rows) == 8, f"8 candidates listed ({len(rows)})")
    check(b.find_all(".bar.neg"), "negative contributions are drawn")
    check(len(b.find_all("svg#map g.top circle")) == 8, "the 8 candidates are on the map")
    check(len(b.find_all("svg#map g.home rect")) == 1, "the Japanese region is marked on the map")
    first = b.text("tr.candidate td.name a")
    check(first != "", f"first candidate: {first}")
    b.click("tr.candidate details.reasons summary")
    check("curated" in b.text("tr.candidate details.reasons") or
          "statistics:" in b.text("tr.candidate details.reasons"), "full reasons name their sources")
    b.shot("02_shortlist")

    print("step 3: open a profile")
    shortlist_url = b.url()
    b.click("tr.candidate td.name a.profile")
    b.wait_url("/region/")
    check(b.text("#profile-name").startswith(first), "the profile is of the clicked region")
    check("rank 1 of" in b.text("#why"), "the profile says why it ranks first")
    check(b.find_all("#strengths tbody tr"), "strengths are listed with sources")
    check(b.find_all("section#bodies"), "the profile has a partner-bodies section")
    b.shot("03_profile")

    print("step 3b: partner bodies of a region for a sector")
    b.go(BASE + "/region/midi_pyrenees?region=Fukushima&sector=aerospace")
    bodies = b.text("#bodies")
    check("Aerospace Valley" in bodies, "the aerospace cluster of the region is listed")
    check("2005" in bodies, "with its founding year")
    check("European Aerospace Cluster Partnership" in bodies, "with its evidence of international work")
    links = b.js("return Array.from(document.querySelectorAll('#bodies tr.body a')).map(a => a.href)")
    check(any(h.startswith("https://www.aerospace-valley.com") for h in links), "with its source link")
    check(b.attr('#bodies tr[data-body="aerospace_valley"] td.num:last-child', "textContent").strip().startswith("3/3"),
          "Aerospace Valley is on rung 3 of the ladder")
    b.shot("03b_bodies")

    print("step 4: compare two")
    b.go(shortlist_url)
    boxes = b.find_all("input[name=c]")
    b.click_element(boxes[0])
    b.click_element(boxes[2])
    b.click("#compare")
    b.wait_url("/compare?")
    check("/compare?" in b.url(), "the compare page opened")
    heads = b.find_all("table.compare thead th")
    check(len(heads) == 3, "two regions side by side")
    b.shot("04_compare")

    print("step 5: export and print")
    b.go(shortlist_url)
    href = b.attr("#export", "href")
    with urllib.request.urlopen(href, timeout=30) as response:
        body = response.read()
        kind = response.headers["Content-Type"]
    check(kind == "text/csv; charset=utf-8", "the export is CSV")
    check(body.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 BOM (Excel)")
    check(body.decode("utf-8-sig").count("\r\n") >= 9, "header and 8 rows")
    b.media("print")
    b.shot("05_print_brief")
    check(b.js("return getComputedStyle(document.querySelector('form.query')).display") == "none",
          "the print stylesheet hides the form")
    b.media("")

    print("step 6: switch to Japanese and search with Japanese words")
    b.click("a.lang-switch")
    b.wait_url("lang=ja")
    check(b.js("return document.documentElement.lang") == "ja", "the page is Japanese")
    check("候補を表示" in b.text("#submit"), "labels are Japanese")
    b.type("#region", "福島県")
    b.type("#sector", "自動車")
    b.click("#submit")
    b.wait_url("%E8%87%AA%E5%8B%95%E8%BB%8A")
    check("自動車" in b.text("section.summary h1"), "Japanese sector word found (自動車)")
    check(len(b.find_all("tr.candidate")) == 8, "the Japanese shortlist")
    b.shot("06_japanese")

    print("step 6b: overseas regions named in Japanese; a Japanese name excludes one")
    # German states only, so that Bavaria's place does not hang on the model's weights.
    b.go(BASE + "/?region=%E6%84%9B%E7%9F%A5&sector=%E8%87%AA%E5%8B%95%E8%BB%8A&top=10&lang=ja"
         "&country=DE&level=nuts1")
    names = b.js("return [...document.querySelectorAll('tr.candidate td.name a.profile')]"
                 ".map(e => e.textContent)")
    check("バイエルン州" in names, f"Bavaria's row is named in Japanese: {names}")
    check(all(any("\u30a0" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in n)
              for n in names), f"every row is named in Japanese: {names}")
    check(b.find_all("tr.candidate span.other[lang=en]"), "the English name stands beside it")
    tips = b.js("return [...document.querySelectorAll('svg#map g.top title')]"
                ".map(e => e.textContent)")
    check(any("バイエルン州" in t for t in tips), "the map names it in Japanese")
    b.shot("06b_japanese_names")
    # The filters box is already open when the URL holds a filter.
    b.js("document.querySelector('details.filters').open = true; return 0")
    b.type("#exclude", "バイエルン")
    b.click("#submit")
    b.wait_url("exclude=")
    names = b.js("return [...document.querySelectorAll('tr.candidate td.name a.profile')]"
                 ".map(e => e.textContent)")
    check(len(names) == 10 and "バイエルン州" not in names,
          f"バイエルン excludes Bavaria: {names}")
    b.go(BASE + "/region/bavaria?lang=ja&region=%E6%84%9B%E7%9F%A5&sector=automotive")
    check(b.text("#profile-name").startswith("バイエルン州"), "the profile is titled in Japanese")
    b.shot("06c_japanese_profile")

    print("step 7: an unknown name")
    b.go(BASE + "/?region=Fukushma&sector=medical")
    check("closest matches" in b.text("section.error"), "an unknown name lists the closest names")
    check(b.find_all("ul.suggestions a"), "suggestions are links")
    b.shot("07_unknown_name")

    selection_steps(b)
    store_steps(b, shortlist_url)


def wait_text(b, css, text, seconds=60):
    """Reloads until the element `css` contains `text` (retraining runs in the background)."""
    import time
    deadline = time.time() + seconds
    while time.time() < deadline:
        if b.find_all(css) and text in b.text(css):
            return
        time.sleep(0.5)
        b.go(b.url())
    raise AssertionError(f"{css} never said {text!r}")


def store_steps(b, shortlist_url):
    print("step 8: save the shortlist (the store is on: tieup serve --db)")
    b.go(shortlist_url)
    b.type("#save-author", "Sato")
    b.type("#save-note", "first list for the <b>board</b>")
    b.shot("08_save_form")
    b.click("#save")
    b.wait_url("/shortlists/")
    check(len(b.find_all("section.candidate-store")) == 8, "the 8 candidates were saved")
    check("<b>board</b>" in b.text("p.note-text"), "the note is shown as typed (escaped)")
    saved_url = b.url()
    b.shot("09_saved_shortlist")

    print("step 9: record decisions: contacted, then agreed")
    first = "section.candidate-store:first-of-type form.decision"
    b.click(first + " select[name=decision] option[value=contacted]")
    b.type(first + " input[name=author]", "Sato")
    b.type(first + " input[name=reason]", "strong in medical devices")
    b.click(first + " button")
    b.wait_url("#c-")
    b.click(first + " select[name=decision] option[value=agreed]")
    b.type(first + " input[name=author]", "Sato")
    b.type(first + " input[name=reason]", "the cluster agreed to a joint study")
    b.click(first + " button")
    wait_text(b, "section.candidate-store:first-of-type ul.decisions", "agreed")
    check(len(b.find_all("section.candidate-store:first-of-type ul.decisions li")) == 2,
          "two decisions on the first candidate")
    b.shot("10_decisions")

    print("step 10: open a project from the agreed candidate")
    b.click("form.project input[name=body][value=company]")
    b.click("form.project input[name=body][value=prefecture]")
    b.click("form.project select[name=commitment] option[value=sufficient]")
    b.click("form.project select[name=mediator] option[value=yes]")
    b.click("form.project button")
    b.wait_url("/projects/")
    project_url = b.url()
    check("company, prefecture" in b.text("dl.facts"), "the project lists its bodies")
    b.shot("11_project")

    print("step 11: follow-ups due")
    b.click("#nav-due")
    b.wait_url("/follow-ups/due")
    check(project_url.split("/projects/")[1] in b.attr("table#due a", "href"),
          "the new project has no follow-up yet: it is due")
    b.click("#months option[value='12']")
    b.click("form.due button")
    b.wait_url("months=12")
    b.shot("12_due")

    print("step 12: record a follow-up")
    b.go(project_url)
    b.click("#follow-up-form select[name=outcome] option[value=during]")
    b.type("#follow-up-form input[name=author]", "Sato")
    b.type("#follow-up-form textarea[name=evidence]", "a joint prototype was shown at MEDICA")
    b.click("#follow-up-form button")
    wait_text(b, "table#follow-ups", "MEDICA")
    b.shot("13_follow_up")
    b.go(BASE + "/follow-ups/due?months=6")
    check(not b.find_all("table#due"), "once followed up, nothing is due")

    print("step 13: retrain on the recorded outcomes")
    b.click("#nav-models")
    b.wait_url("/models")
    check(len(b.find_all("tr.model")) == 1, "one model before retraining (the starting one)")
    b.click("#retrain")
    b.wait_url("/models")
    wait_text(b, "#retrain-status", "Retrained")
    check(len(b.find_all("tr.model")) == 2, "the new model is listed beside the old one")
    check("median rank" in b.text("tr.model table.figures"), "with its leave-one-out figures")
    b.shot("14_retrained")

    print("step 14: switch to the new model, then back")
    b.click("button.activate")
    b.wait_url("/models")
    wait_text(b, "tr.model.active", "model-0001.json")
    b.go(shortlist_url)
    check("model-0001.json" in b.text("section.summary"), "the shortlist is ranked by the new model")
    b.shot("15_switched")
    b.go(BASE + "/models")
    b.click("button.activate")
    wait_text(b, "tr.model.active", "default.json")
    check("default.json" in b.text("#active-model"), "switched back to the earlier model")
    b.go(BASE + "/models?lang=ja")
    check("再学習" in b.text("#retrain"), "the models page in Japanese")
    b.shot("16_models_ja")


def selection_steps(b):
    print("step 7b: one row per place, then filters (country, levels, cap) and expand")
    b.go(BASE + "/?region=Aichi&sector=automotive&top=10")
    check(b.find_all("p.grouped-note"), "the page says nested regions share a row")
    also = b.js("return [...document.querySelectorAll('tr.candidate small.also')]"
                ".map(e => e.textContent)")
    check(also, "a grouped row names its other members (also ...)")
    check("(#" in also[0], f"members show their ranks without grouping: {also[0]}")
    b.click("details.filters summary")
    b.type("#country", "DE, US")
    b.click("input[name=level][value=state]")
    b.click("input[name=level][value=nuts1]")
    b.type("#max-per-country", "3")
    b.shot("07b_filters_form")
    b.click("#submit")
    b.wait_url("max_per_country=3")
    url = b.url()
    check("country=DE" in url and "level=nuts1" in url and "level=state" in url,
          "the URL holds the filters (bookmarkable)")
    codes = b.js("return [...document.querySelectorAll('tr.candidate td.country small')]"
                 ".map(e => e.textContent)")
    check(codes and all(c in ("DE", "US") for c in codes), f"only DE and US rows: {codes}")
    check(all(codes.count(c) <= 3 for c in codes), "at most 3 rows per country")
    check(len(codes) == 6, f"2 countries x cap 3 = 6 rows, fewer than asked ({len(codes)})")
    check(b.find_all("p.shortfall"), "fewer rows than asked for is said, not padded")
    check("pass the filters" in b.text("p.filters-facts"), "the filters are echoed")
    b.shot("07c_filtered")
    b.click("#expand")
    b.click("#submit")
    b.wait_url("expand=1")
    check(not b.find_all("p.grouped-note"), "expanded: no grouping note")
    b.go(BASE + "/?region=Aichi&sector=automotive&top=10&expand=1")
    check(not b.find_all("tr.candidate small.also"), "expanded rows name no members")
    b.shot("07d_expanded")
    b.go(BASE + "/?region=Aichi&sector=automotive&top=10&lang=ja&country=DE&level=nuts1")
    check("絞り込み" in b.text("details.filters summary"), "filter labels are Japanese")
    check(len(b.find_all("tr.candidate")) == 10, "ten German NUTS 1 regions")
    check("州・省" in b.text("details.filters"), "level labels are Japanese")
    b.shot("07e_filtered_japanese")
    b.go(BASE + "/?region=Aichi&sector=automotive&country=UK")
    check("closest matches: GB" in b.text("section.error"), "an unknown country suggests GB")
    b.shot("07f_unknown_country")


if __name__ == "__main__":
    main()
