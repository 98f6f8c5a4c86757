"""Page objects of the eEspresso portal and the journeys built on them.

- ``journeys``: ``first_access`` (seed steps 1–7) and ``later_login``, the registry and
  ``run_journey``, the one way into a journey; ``steps`` times each step as an Allure step
  titled from ``step_titles``; ``result.JourneyResult`` says, with its ``cause``, why a
  journey failed (``failures`` raises that cause inside the page layer).
- ``account``: the account a journey logs in with; ``settings``: the suite's settings and the
  one reader of passwords; ``browser``: which Chromium, and the context every journey gets.
- ``profile`` (checked by ``profile_check``): what a person reads on a portal, as data, the
  built-in one in ``profiles/eespresso.toml``; ``elements`` locates its elements.
- ``login``, ``enrollment``, ``confirm``, ``code``, ``home``, ``lockout``, ``logout``,
  ``action``: one page object per screen; ``notices``: the pages between the steps;
  ``base`` and ``screens``: which screen is on display after a submit; ``navigation``: the
  page loads; ``after_login`` and ``app_checks``: the application's pages checked once
  logged in.
- ``tree`` and ``inventory``: a page's accessibility tree and elements, without values;
  ``inspection``, ``inspection_files`` and ``capture``: what the suite saw on a screen, for
  ``monitors inspect`` and ``--capture``; ``masking``: what screenshots paint over.
- ``css_selector``, ``js_regex``: whether a profile's selectors and patterns mean the same to
  the browser.

Importing ``pages`` itself is cheap: it imports none of its modules, so Playwright loads only
with a module that needs it.
"""
