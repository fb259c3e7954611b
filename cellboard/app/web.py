"""The HTTP side of the app: the login and logout routes and the gate in front of every page.

A sign-in lasts beyond one websocket (a reload, a new tab, a link opened from a mail, a server
restart): the login is an HTTP form that starts a server-side session (cellboard/sessions.py) and
hands the browser its token in an HttpOnly, SameSite=Lax cookie, Secure over HTTPS. The Streamlit
script reads the cookie from the websocket's request (st.context.cookies) and checks the session on
every run (cellboard/app/ui.py). The gate answers a page request without a valid session with the
login form's address, so nothing of the app (not even its page list) reaches a visitor first.

serve.py (the ASGI entry, `streamlit run serve.py`) mounts these on Streamlit's own app.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from cellboard import auth, sessions, settings, text

LOGIN = "/login"
LOGOUT = "/logout"
# Streamlit's own paths, and files: not pages, so never sent to the login form (the websocket checks
# its session itself; static files hold nothing of the data)
OPEN_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", LOGIN, LOGOUT)
NOTICES = ("expired", "ended", "signed_out")
# dashboard.PAGES' first page: the default, which Streamlit serves at the root and does not find by
# its own name, so a link to /overview (a bookmark, an old link) is sent to / with its filters
HOME = "overview"


# ---- where a login goes, and in which language ----------------------------------------------------


def safe_next(value: str | None) -> str:
    """A local path to go to after the login: a link's page and filters; never another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


def language_of(request: Request, next_path: str) -> text.Locale:
    """The login form's language: its own ?lang=, else the link's."""
    asked = request.query_params.get("lang")
    if asked is None:
        asked = (parse_qs(urlsplit(next_path).query).get("lang") or [None])[0]
    return text.Locale(asked or "vi")


def is_https(request: Request) -> bool:
    """Served over HTTPS: said by the settings, seen on the request, or told by a proxy we trust
    (X-Forwarded-Proto from any other client is ignored)."""
    chosen = settings.load()
    if chosen.https or request.url.scheme == "https":
        return True
    client = request.client.host if request.client else None
    return client in chosen.trusted_proxies and request.headers.get("x-forwarded-proto") == "https"


def login_address(next_path: str, notice: str | None = None) -> str:
    query = {"next": next_path}
    if notice:
        query["notice"] = notice
    return f"{LOGIN}?{urlencode(query)}"


# ---- the form ----------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "Source Sans Pro", "Noto Sans", sans-serif; background: #f6f7f9; color: #262730; }}
main {{ max-width: 26rem; margin: 8vh auto; background: #fff; padding: 2rem; border-radius: .5rem;
        box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.4rem; margin: 0 0 .3rem; }} h2 {{ font-size: 1.1rem; font-weight: 600; }}
label {{ display: block; margin: .8rem 0 .2rem; }}
input {{ width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }}
button {{ margin-top: 1.2rem; padding: .5rem 1.2rem; font-size: 1rem; background: #c8102e; color: #fff;
          border: 0; border-radius: .3rem; cursor: pointer; }}
.error {{ background: #fde8e8; padding: .6rem; border-radius: .3rem; }}
.info {{ background: #e8f0fd; padding: .6rem; border-radius: .3rem; }}
.lang {{ float: right; font-size: .9rem; }}
</style></head>
<body><main>
<a class="lang" href="{switch_href}">{switch_label}</a>
<h1>{title}</h1>
<h2>{heading}</h2>
{messages}
<form method="post" action="{action}">
<input type="hidden" name="next" value="{next}">
<input type="hidden" name="lang" value="{lang}">
<label for="name">{name_label}</label>
<input id="name" name="name" autocomplete="username" value="{name}" required autofocus>
<label for="password">{password_label}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{submit}</button>
</form>
</main></body></html>
"""


def form(loc: text.Locale, next_path: str, *, name: str = "", errors=(), notices=()) -> str:
    other = text.Locale("en" if loc.vi else "vi")
    messages = [f'<p class="info">{html.escape(m)}</p>' for m in notices]
    messages += [f'<p class="error" role="alert">{html.escape(m)}</p>' for m in errors]
    return PAGE.format(
        lang=loc.language,
        title=html.escape(loc.t("app_title")),
        heading=html.escape(loc.t("login_title")),
        switch_href=html.escape(f"{LOGIN}?{urlencode({'next': next_path, 'lang': other.language})}"),
        switch_label=text.LANGUAGE_NAMES[other.language],
        messages="\n".join(messages),
        action=LOGIN,
        next=html.escape(next_path),
        name=html.escape(name),
        name_label=html.escape(loc.t("login_name")),
        password_label=html.escape(loc.t("login_password")),
        submit=html.escape(loc.t("login_submit")),
    )


def notices(loc: text.Locale, notice: str | None) -> list[str]:
    shown = [loc.coded("login_notice", notice)] if notice in NOTICES else []
    if auth.first_admin_pending():
        shown.append(loc.t("login_first_admin", name=auth.FIRST_ADMIN))
    return shown


def _refusal(loc: text.Locale, result: auth.LoginResult) -> str:
    if result.reason == "locked":
        until = result.locked_until.astimezone().strftime("%H:%M") if result.locked_until else ""
        return loc.t("login_locked", until=until, failures=auth.MAX_FAILURES, minutes=auth.LOCK_MINUTES)
    if result.reason == "disabled":
        return loc.t("login_disabled")
    return loc.t("login_failed")


# ---- the routes ----------------------------------------------------------------------------------------


async def login(request: Request) -> Response:
    if request.method == "GET":
        next_path = safe_next(request.query_params.get("next"))
        loc = language_of(request, next_path)
        shown = notices(loc, request.query_params.get("notice"))
        return HTMLResponse(form(loc, next_path, notices=shown), headers=NO_STORE)
    fields = await request.form()
    next_path = safe_next(str(fields.get("next") or "/"))
    loc = text.Locale(str(fields.get("lang") or "vi"))
    name = str(fields.get("name") or "")
    password = str(fields.get("password") or "")
    # bcrypt takes a quarter of a second: off the event loop, which serves every other user
    result = await anyio.to_thread.run_sync(auth.authenticate, name, password)
    if result.account is None:
        page = form(loc, next_path, name=name, errors=[_refusal(loc, result)])
        return HTMLResponse(page, status_code=401, headers=NO_STORE)
    token = await anyio.to_thread.run_sync(sessions.start, result.account.name)
    response = RedirectResponse(next_path, status_code=303, headers=NO_STORE)
    set_session_cookie(response, token, secure=is_https(request))
    return response


async def logout(request: Request) -> Response:
    token = request.cookies.get(sessions.COOKIE)
    if token:
        await anyio.to_thread.run_sync(sessions.end, token)
    response = RedirectResponse(login_address("/", "signed_out"), status_code=303, headers=NO_STORE)
    clear_session_cookie(response, secure=is_https(request))
    return response


NO_STORE = {"Cache-Control": "no-store"}


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        sessions.COOKIE,
        token,
        max_age=int(settings.load().lifetime_days * 86400),
        path="/",
        httponly=True,
        samesite="lax",  # sent when a link from a chat or a mail opens the app
        secure=secure,
    )


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax", secure=secure)


ROUTES = [Route(LOGIN, login, methods=["GET", "POST"]), Route(LOGOUT, logout, methods=["GET"])]


# ---- the gate -------------------------------------------------------------------------------------------


def home_paths(role: str) -> set[str]:
    """The addresses of a role's default page by its own name (HOME, and a role's own home page,
    auth.HOME_PAGES): Streamlit serves that page at / only, so they are sent there."""
    own = auth.home_page(role)
    return {f"/{HOME}"} | ({"/" + own.removeprefix("pages/").removesuffix(".py")} if own else set())


def is_page(request: Request) -> bool:
    """A request for one of the app's pages (Streamlit answers every such path with its index)."""
    path = request.url.path
    if request.method not in ("GET", "HEAD") or path.startswith(OPEN_PREFIXES):
        return False
    last = path.rsplit("/", 1)[-1]
    return "." not in last  # /favicon.ico, /robots.txt, ...: files, not pages


class SessionGate(BaseHTTPMiddleware):
    """A page request without a valid session goes to the login form, which comes back to it."""

    async def dispatch(self, request: Request, call_next):
        if not is_page(request):
            return await call_next(request)
        token = request.cookies.get(sessions.COOKIE)
        checked = await anyio.to_thread.run_sync(sessions.check, token)
        if checked.account is not None:
            if request.url.path.rstrip("/") in home_paths(checked.account.role):
                home = "/" + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(home, status_code=303, headers=NO_STORE)
            return await call_next(request)
        next_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        notice = checked.reason if checked.reason in NOTICES else None
        response = RedirectResponse(login_address(next_path, notice), status_code=303, headers=NO_STORE)
        if token:
            clear_session_cookie(response, secure=is_https(request))
        return response
