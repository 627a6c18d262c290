"""Browser-test fixtures shared by the e2e tests: Debian's Chromium driven by Playwright,
and a real django-q2 `qcluster` worker in a subprocess sharing the test database (a file,
see tests/conftest.py) and media folder, so nothing runs inline."""

import contextlib
import functools
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CLIP = ("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")  # 15 s, 455 frames, 3 reps
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # A fake microphone (a beep), allowed without a prompt: the voice-over tests record.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
# The two sizes browser tests look at: a desktop and a phone (an iPhone's 390x844 at 3x).
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")
# For a test of what happens after the poses (the pages over an analysed set): its analyses,
# in the worker or inline, read the poses this run already computed for the same video bytes
# (tests/pose_cache.py); the first analysis of a file in the run still poses it for real.
reuses_poses = pytest.mark.usefixtures("pose_cache")


# The real django-q2 worker (`qcluster`) is a shared fixture: tests/conftest.py.


# What Chromium writes to the console when the Content-Security-Policy blocks something
# ("Refused to apply inline style because it violates the following Content Security
# Policy directive: ...").
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy", "Refused to")


@pytest.fixture
def csp_violations() -> list[str]:
    """Every CSP violation any page of the test's browser reported (see `browser`)."""
    return []


def watch_csp(page, found: list[str]) -> None:
    """Collect the page's CSP violations into `found`, as "<url>: <message>"; and make the
    page's `wait_for_function` work under the policy (see `_wait_for_function`)."""

    def on_console(message) -> None:
        if any(marker in message.text for marker in CSP_MARKERS):
            found.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.wait_for_function = functools.partial(_wait_for_function, page)


def _wait_for_function(page, expression: str, *, arg=None, timeout=None, polling=None):
    """Playwright's `wait_for_function` runs its string through the page's own `eval`, which
    the policy refuses (no 'unsafe-eval'); `evaluate` goes through the DevTools protocol,
    outside the page's policy. Polls (every 100 ms unless `polling` says otherwise), riding
    out navigations; returns the first truthy value."""
    from playwright.sync_api import Error

    timeout = 30_000 if timeout is None else timeout
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            value = page.evaluate(expression, arg)
        except Error as error:  # e.g. the page navigated mid-evaluation: try again
            value, last = None, error
        else:
            last = None
            if value:
                return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout:.0f} ms: {expression}") from last
        page.wait_for_timeout(polling if isinstance(polling, (int, float)) else 100)


@pytest.fixture(scope="package")
def chromium():
    """One Chromium for the browser tests (a launch per test cost a second or more); every
    test has its own contexts in it (`browser`), as isolated as separate browsers: cookies,
    storage and cache are per context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class TestBrowser:
    """A test's browser: `new_context` opens a context in the shared Chromium whose every page
    is watched for CSP violations; the test's contexts are closed at its end."""

    __test__ = False  # not a test class

    def __init__(self, instance, violations: list[str]) -> None:
        self.instance, self.violations, self.contexts = instance, violations, []

    def new_context(self, *args, **kwargs):
        context = self.instance.new_context(*args, **kwargs)
        context.on("page", lambda page: watch_csp(page, self.violations))
        self.contexts.append(context)
        return context

    def close_contexts(self) -> None:
        from playwright.sync_api import Error

        for context in self.contexts:
            with contextlib.suppress(Error):  # closing a closed one is harmless anyway
                context.close()


@pytest.fixture
def browser(chromium, csp_violations):
    """Chromium (shared by the browser tests, see `chromium`); every page of every context
    the test opens is watched for CSP violations, and a test whose pages had any fails at
    its end (the policy is in coach_platform/settings.py)."""
    view = TestBrowser(chromium, csp_violations)
    yield view
    view.close_contexts()
    assert csp_violations == [], "pages broke the Content-Security-Policy:\n" + "\n".join(
        csp_violations
    )


def login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


# The largest alpha in a small square of canvas pixels around (x, y), in backing pixels.
ALPHA_AT = """([canvas, x, y, r]) => {
  const c = document.querySelector(canvas);
  const side = 2 * r + 1;
  const px = c.getContext('2d').getImageData(Math.round(x - r), Math.round(y - r), side, side).data;
  let max = 0;
  for (let i = 3; i < px.length; i += 4) max = Math.max(max, px[i]);
  return max;
}"""


def upload_analysed(page, base: str, qcluster, *, load_kg: str = "", wait_s: float = 400) -> str:
    """Upload the shared clip (CLIP) as the logged-in person through the upload page and wait
    for the real worker to analyse it; the review page's URL once its reps show."""
    from tests.conftest import shared_path

    page.goto(f"{base}/sessions/new/")
    page.set_input_files("input[name=video]", str(shared_path(*CLIP)))
    if load_kg:
        page.fill("input[name=load_kg]", load_kg)
    page.click("[data-testid=upload-submit]")
    page.wait_for_url("**/sessions/*/")
    deadline = time.monotonic() + wait_s
    while page.locator("[data-testid=rep-item]").count() == 0:
        assert time.monotonic() < deadline, f"no reps after {wait_s:.0f} s"
        assert qcluster.poll() is None, "the worker died: see test-artifacts/e2e/worker-*.log"
        page.wait_for_timeout(500)  # the review page reloads itself when the job ends
    assert page.locator("[data-testid=status]").inner_text() == "done"
    return page.url


def logout(page) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


@pytest.fixture
def analysed_set(transactional_db, athlete_a, coach_a, admin_user):
    """An analysed set of athlete A (reps judged by an inactive version, not labelled) and
    a finished training run with its loss history: what the page-wide browser tests visit.
    Returns the set's reps in order."""
    from tests.conftest import make_session
    from training.models import TrainingRun

    session = make_session(athlete_a, reps=3)
    history = [
        {"epoch": 1, "loss": 0.4, "val_loss": 0.5},
        {"epoch": 2, "loss": 0.3, "val_loss": 0.4},
    ]
    TrainingRun.objects.create(
        status="done", is_open=False, requested_by=admin_user, epochs=2, epoch=2, history=history
    )
    return list(session.analysis.reps.order_by("index"))
