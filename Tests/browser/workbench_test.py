#!/usr/bin/env python3
"""End-to-end tests of `focuscode serve` in a real browser: Debian's chromium driven by Playwright.

Usage: workbench_test.py BINARY [--bench] [--screenshots DIR]
Builds a project from the repository's fictional fixtures with the CLI, starts the server, and checks
what a user does: open a transcript, select words, code them with the keyboard, reload, export.
Prints `N passed, N failed` last; exits 1 on any failure.
"""
import csv, io, json, os, re, shutil, subprocess, sys, tempfile, threading, time, traceback
from http.server import BaseHTTPRequestHandler, HTTPServer

from playwright.sync_api import sync_playwright

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "Fixtures")
BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "focuscode")
BENCH = "--bench" in sys.argv
SHOTS = sys.argv[sys.argv.index("--screenshots") + 1] if "--screenshots" in sys.argv else None
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")

WORK = tempfile.mkdtemp(prefix="fc-browser-")
PROJECT = os.path.join(WORK, "study.sqlite")
KEY = os.path.join(WORK, "keys", "study.key")


def fc(*args, check=True):
    r = subprocess.run([BIN, *args, "--project", PROJECT],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise RuntimeError(f"focuscode {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r


def build_project():
    os.makedirs(os.path.dirname(KEY))
    fc("init")
    fc("import", os.path.join(FIX, "transcripts", "FG1.docx"), "--group", "FG1", "--key", KEY)
    fc("import", os.path.join(FIX, "transcripts", "FG2.vtt"), "--group", "FG2", "--key", KEY)
    # A fictional turn with an astral character and a combining mark before the words to code.
    uni = os.path.join(WORK, "uni.txt")
    with open(uni, "w", encoding="utf-8") as f:
        f.write("Moderator: Say more.\n\nRespondent: Tea \U0001F375 and cafe\u0301 talk, then the night shift rota changed.\n")
    fc("import", uni, "--group", "UNI", "--no-detect", "--key", KEY)
    if BENCH:
        big = os.path.join(WORK, "big.txt")
        with open(big, "w", encoding="utf-8") as f:
            for i in range(2000):
                who = "Moderator" if i % 10 == 0 else f"Respondent{i % 7}"
                f.write(f"{who}: Turn {i}: the patrol came back late and we talked about training, workload and the rota for the winter months.\n\n")
        fc("import", big, "--group", "BIG", "--no-detect", "--key", KEY)
    fc("codebook", "import", os.path.join(FIX, "codebook.yaml"))
    fc("codings", "import", os.path.join(FIX, "codings", "coder_a.csv"))
    fc("codings", "import", os.path.join(FIX, "codings", "coder_b.csv"))


class Server:
    def __init__(self, *extra):
        self.proc = subprocess.Popen([BIN, "serve", "--project", PROJECT, "--port", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        deadline = time.time() + 30
        self.url = None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"(http://[^/]+)/\?token=([0-9a-f]+)", line)
            if m:
                self.base, self.token = m.group(1), m.group(2)
                self.url = m.group(0)
                break
        if not self.url:
            self.stop()
            raise RuntimeError("serve printed no address: " + self.proc.stderr.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def select_words(page, ref, words):
    """Selects the first occurrence of `words` in a turn's text, as a user dragging over them would."""
    return page.evaluate("""([ref, words]) => {
        const el = document.getElementById(ref).querySelector('.text');
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node; while ((node = walker.nextNode())) {
            const i = node.data.indexOf(words);
            if (i >= 0) {
                const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + words.length);
                const s = getSelection(); s.removeAllRanges(); s.addRange(r);
                return true;
            }
        }
        return false; }""", [ref, words])


def clear_status(page):
    page.evaluate("() => { const s = document.getElementById('status'); s.textContent = ''; s.className = ''; }")


# Selectors only: the page's CSP (no 'unsafe-eval') stops Playwright's string predicates, as it should.
def wait_status(page):
    page.wait_for_selector("#status.ok, #status.error")
    return page.eval_on_selector("#status", "e => [e.className, e.textContent]")


def code_point_span(text, words):
    i = text.index(words)  # Python str indices are code points
    return f"{i}:{i + len(words)}"


def export_rows(coder):
    out = fc("codings", "export", "--coder", coder).stdout
    return list(csv.DictReader(io.StringIO(out)))


# ---------------------------------------------------------------- tests

def test_request_without_token_is_refused(browser, srv):
    page = browser.new_context().new_page()
    r = page.goto(srv.base + "/g/FG1")
    assert r.status == 401, r.status
    assert "FG1-0001" not in page.content()
    r = page.goto(srv.base + "/g/FG1?token=" + "0" * 64)
    assert r.status == 403, r.status


def test_code_a_passage_with_the_keyboard_then_reload_and_export(browser, srv):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(srv.url)
    assert page.url.startswith(srv.base + "/g/"), page.url  # the token traded for a cookie, dropped from the address
    assert "token=" not in page.url
    page.goto(srv.base + "/g/UNI")
    ref = page.eval_on_selector_all("article.turn", "els => els.map(e => e.dataset.ref)")[1]
    words = "night shift rota"
    assert select_words(page, ref, words)
    first_code = page.eval_on_selector("button.code", "b => b.dataset.path")
    page.keyboard.press("1")
    cls, msg = wait_status(page)
    assert cls == "ok", msg
    page.reload()
    marks = page.eval_on_selector_all(f"[id='{ref}'] mark", "ms => ms.map(m => m.textContent)")
    assert marks == [words], marks
    chips = page.eval_on_selector_all(f"[id='{ref}'] .chip", "cs => cs.map(c => c.textContent)")
    assert any(first_code in c for c in chips), chips
    rows = [r for r in export_rows("alice") if r["excerpt"] == ref]
    assert len(rows) == 1, rows
    assert rows[0]["code"] == first_code, rows
    # The browser counted UTF-16 units past 🍵 (2 units) and é (2 code points); the project stores code points.
    text = "Tea \U0001F375 and cafe\u0301 talk, then the night shift rota changed."
    got = f"{rows[0]['span_start']}:{rows[0]['span_end']}"
    assert got == code_point_span(text, words), (rows[0], code_point_span(text, words))
    # With focus still on the coded turn, words selected in another turn are what gets coded.
    other = page.eval_on_selector_all("article.turn", "els => els.map(e => e.dataset.ref)")[0]
    assert select_words(page, other, "Say more")
    clear_status(page)
    page.keyboard.press("2")
    cls, msg = wait_status(page)
    assert cls == "ok", msg
    assert page.eval_on_selector_all(f"[id='{other}'] mark", "ms => ms.map(m => m.textContent)") == ["Say more"]
    page.focus(f"[id='{other}']")
    clear_status(page)
    page.keyboard.press("x")
    wait_status(page)
    # Remove it with the keyboard: focus the turn, x.
    page.focus(f"[id='{ref}']")
    clear_status(page)
    page.keyboard.press("x")
    cls, msg = wait_status(page)
    assert cls == "ok" and "Removed" in msg, msg
    assert [r for r in export_rows("alice") if r["excerpt"] == ref and r["code"]] == []
    # Reviewed, no code: 0 on a focused turn.
    page.focus(f"[id='{ref}']")
    clear_status(page)
    page.keyboard.press("0")
    cls, msg = wait_status(page)
    assert cls == "ok" and "no code" in msg, msg
    rows = [r for r in export_rows("alice") if r["excerpt"] == ref]
    assert len(rows) == 1 and rows[0]["code"] == "", rows
    ctx.close()


def test_memo_on_a_turn_with_the_keyboard_then_reload_and_list(browser, srv):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(srv.url)
    page.goto(srv.base + "/g/UNI")
    ref = page.eval_on_selector_all("article.turn", "els => els.map(e => e.dataset.ref)")[0]
    page.focus(f"[id='{ref}']")
    page.keyboard.press("m")
    page.wait_for_selector(f"[id='{ref}'] details.memo-add textarea:focus")
    page.keyboard.type("Asks for more \U0001F375 without a topic")
    clear_status(page)
    page.keyboard.press("Control+Enter")
    cls, msg = wait_status(page)
    assert cls == "ok", msg
    page.reload()
    memos = page.eval_on_selector_all(f"[id='{ref}'] .memo-text", "ms => ms.map(m => m.textContent)")
    assert memos == ["Asks for more \U0001F375 without a topic"], memos
    rows = list(csv.DictReader(io.StringIO(fc("memo", "list", "--excerpt", ref, "--format", "csv").stdout)))
    assert [(r["target"], r["author"], r["text"]) for r in rows] == [(ref, "alice", "Asks for more \U0001F375 without a topic")], rows
    # Remove it with its button; gone after a reload and from the project.
    clear_status(page)
    page.click(f"[id='{ref}'] button.memo-remove")
    cls, msg = wait_status(page)
    assert cls == "ok", msg
    page.reload()
    assert page.eval_on_selector_all(f"[id='{ref}'] .memo-text", "ms => ms.length") == 0
    assert fc("memo", "list", "--excerpt", ref, "--format", "csv").stdout.strip().splitlines()[1:] == []
    ctx.close()


def test_search_jumps_to_the_turn(browser, srv):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(srv.url)
    page.keyboard.press("/")
    page.keyboard.type("rota")
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.hits a")
    href = page.eval_on_selector("ol.hits a", "a => a.getAttribute('href')")
    page.click("ol.hits a")
    ref = href.split("#")[1]
    page.wait_for_selector(f"[id='{ref}']:focus")
    ctx.close()


def test_blind_mode_hides_the_other_coders(browser, srv):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(srv.url)
    page.goto(srv.base + "/g/FG1")
    assert "coder_b" in page.content()  # not blind: both fixture coders' codes are in the margin
    blind = Server("--coder", "alice", "--blind")
    try:
        p2 = browser.new_context().new_page()
        p2.goto(blind.url)
        p2.goto(blind.base + "/g/FG1")
        html = p2.content()
        assert "coder_a" not in html and "coder_b" not in html
        assert p2.eval_on_selector_all("ul.margin .chip", "cs => cs.length") == 0
        r = p2.goto(blind.base + "/agreement")
        assert r.status == 403, r.status
    finally:
        blind.stop()
    ctx.close()


class Attacker(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self):
        body = f"""<!doctype html><form id=f method=post action="{self.target}/api/code" enctype="text/plain">
<input name='{{"excerpt":"FG1-0007","code":"Impact of Covid-19","x":"' value='"}}'></form>
<script>document.getElementById('f').submit()</script>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def test_cross_site_post_is_refused(browser, srv):
    before = export_rows("alice")
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(srv.url)  # the victim holds the cookie
    Attacker.target = srv.base.replace("127.0.0.1", "localhost")
    evil = HTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        with page.expect_response(lambda r: "/api/code" in r.url) as info:
            page.goto(f"http://127.0.0.1:{evil.server_port}/")
        assert info.value.status in (401, 403), info.value.status
    finally:
        evil.shutdown()
    # Same cookie, forged Origin, through the browser's own request API.
    r = ctx.request.post(srv.base + "/api/code", data=json.dumps({"excerpt": "FG1-0007", "code": "Impact of Covid-19"}),
                         headers={"Origin": "http://evil.example", "Content-Type": "application/json"})
    assert r.status == 403, r.status
    assert export_rows("alice") == before
    ctx.close()


def bench(browser, srv):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(srv.url)
    loads = []
    for _ in range(7):
        page.goto(srv.base + "/g/BIG")
        t = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                                      return [n.responseStart - n.requestStart, n.loadEventEnd - n.startTime]; }""")
        loads.append(t)
    count = page.eval_on_selector_all("article.turn", "e => e.length")
    assert count == 2000, count
    trips = []
    refs = page.eval_on_selector_all("article.turn", "els => els.slice(100, 130).map(e => e.dataset.ref)")
    for i, ref in enumerate(refs):
        select_words(page, ref, "training")
        page.evaluate("() => { delete document.body.dataset.lastRoundTripMs; }")
        page.keyboard.press(str(1 + i % 9))
        page.wait_for_selector("body[data-last-round-trip-ms]", state="attached")
        trips.append(float(page.evaluate("() => document.body.dataset.lastRoundTripMs")))
    med = lambda xs: sorted(xs)[len(xs) // 2]
    print(f"BENCH open 2000 turns: server first byte median {med([a for a, _ in loads]):.0f} ms, "
          f"load event median {med([b for _, b in loads]):.0f} ms (7 loads, min {min(b for _, b in loads):.0f}, max {max(b for _, b in loads):.0f})")
    print(f"BENCH coding round-trip (fetch POST, turn redrawn): median {med(trips):.1f} ms, max {max(trips):.1f} ms over {len(trips)}")
    ctx.close()


def screenshots(browser, srv, folder):
    os.makedirs(folder, exist_ok=True)
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(srv.url)
    page.goto(srv.base + "/g/FG1")
    for ref, words, key in (("FG1-0007", "Eleven years in", "1"), ("FG1-0009", "a lad of nineteen and a retired man", "2")):
        select_words(page, ref, words)
        clear_status(page)
        page.keyboard.press(key)
        wait_status(page)
    ctx.close()
    for w, h in ((1280, 800), (1366, 768)):
        ctx = browser.new_context(viewport={"width": w, "height": h})
        page = ctx.new_page()
        page.goto(srv.url)
        page.goto(srv.base + "/g/FG1#FG1-0007")
        page.wait_for_timeout(200)
        page.screenshot(path=os.path.join(folder, f"workbench-{w}x{h}.png"))
        ctx.close()
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(srv.url)
    page.goto(srv.base + "/agreement")
    page.screenshot(path=os.path.join(folder, "workbench-agreement-1280x800.png"))
    ctx.close()


def main():
    build_project()
    srv = Server("--coder", "alice")
    passed = failed = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
            for t in tests:
                start = time.time()
                try:
                    t(browser, srv)
                    passed += 1
                    print(f"PASS {t.__name__} ({time.time() - start:.1f}s)")
                except Exception:
                    failed += 1
                    print(f"FAIL {t.__name__}")
                    traceback.print_exc()
            if BENCH:
                bench(browser, srv)
            if SHOTS:
                screenshots(browser, srv, SHOTS)
            browser.close()
    finally:
        srv.stop()
        shutil.rmtree(WORK, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
