"""Page objects of the eEspresso portal and the journeys built on them.

- ``patterns``: what a person reads (docs/portal.md's table) as tolerant, compiled patterns.
- ``login``, ``enrollment``, ``code``, ``home``, ``lockout``: one page object per screen;
  ``screens.identify`` tells which screen is on display after a submit.
- ``journeys``: ``first_access`` (seed steps 1–7) and ``later_login``, returning a
  ``result.JourneyResult`` whose ``cause`` says why a journey failed.
- ``masking``: what screenshots must paint over; ``settings``: the suite's settings;
  ``testing``: accounts and the secret ledger of the E2E suite; ``browser``: which Chromium.

Importing ``pages`` itself is cheap: modules that pull in Playwright load on demand.
"""
