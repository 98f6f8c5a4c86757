"""The command lines' parser: every mistake is one line, and no value is ever echoed.

argparse's own errors print the whole usage block, and repeat an unknown argument as typed:
a password or a key typed where it does not belong would land in the terminal, the shell's
scroll-back and the CI log. Abbreviations are off, so ``--password S`` is never taken for
``--password-file S``. Each command line names the exception its ``main`` turns into exit 2.
"""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

_OPTION = re.compile(r"--?[a-z][a-z-]{0,30}")


class OneLineParser(argparse.ArgumentParser):
    """``error`` raises ``failure`` with one line; subclasses set ``failure`` and ``hint``."""

    failure: type[Exception] = ValueError
    hint: str = ""  # said after an unknown option, e.g. where the password comes from

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"allow_abbrev": False, **kwargs})

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments"):
            words = (word.split("=", 1)[0] for word in message.split(":", 1)[1].split())
            shown = " ".join(word for word in words if _OPTION.fullmatch(word))
            message = f"unknown option(s) {shown or '(values not shown)'}{self.hint}"
        raise self.failure(f"{message} (see --help)")
