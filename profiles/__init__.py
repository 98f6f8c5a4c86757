"""Portal profiles shipped with the suite: the wording of a portal as data (TOML).

``eespresso.toml`` is the built-in default, the wording of the network's first-access
procedure (docs/portal.md); ``sandbox-*.toml`` are the stand-in portal's other wording sets.
``pages.profile`` reads and checks them; they ship inside the package so an installed suite
finds them without the source tree.
"""
