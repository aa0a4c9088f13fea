"""Where the page lives: its address, its files and its scenarios. Apart from `web/page.py` so that the API-key
check (`api/auth.py`) can ask which paths are open without importing the page and the service with it."""

STATIC = "/page/static"
EXAMPLES = "/page/examples"


def is_open(path: str) -> bool:
    """The page, its files and its scenarios: open even when API keys are required (a browser cannot send a key
    to load a page; the page sends the key the caseworker types with each evaluation)."""
    return path == "/" or (path.startswith((STATIC + "/", EXAMPLES + "/")) and "/.." not in path)
