"""Page objects of the eEspresso portal and the journeys built on them.

- ``profile``: what a person reads (docs/portal.md's table) as a portal profile of tolerant
  patterns, the built-in one in ``profiles/eespresso.toml``; ``elements`` locates them.
- ``login``, ``enrollment``, ``code``, ``home``, ``lockout``: one page object per screen;
  ``notices``: the pages between the steps and the confirmation of step 7;
  ``screens.identify`` tells which screen is on display after a submit.
- ``tree``: a page's accessibility tree without values; ``inspection`` and ``capture``: what
  the suite saw on a screen, for ``monitors inspect`` and ``--capture``.
- ``journeys``: ``first_access`` (seed steps 1–7) and ``later_login``, returning a
  ``result.JourneyResult`` whose ``cause`` says why a journey failed.
- ``masking``: what screenshots must paint over; ``settings``: the suite's settings;
  ``testing``: accounts and the secret ledger of the E2E suite; ``browser``: which Chromium.

Importing ``pages`` itself is cheap: modules that pull in Playwright load on demand.
"""
