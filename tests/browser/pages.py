"""Steps the browser tests share."""

from access.demo import DEMO_PASSWORD


def sign_in(page, base: str, username: str, lands_on: str) -> None:
    """Sign in from the console's address, and land on the user's work page."""
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/accounts/login/?next=/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{lands_on}")
