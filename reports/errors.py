"""The one error type of the reports CLI: unusable input, said in one line (exit code 2).

An unreadable, empty or partial results folder, an unknown policy key or a missing
history must give a clear error and never a pass, so every reader raises ``InputError`` with a
message that names the file and says what to do; ``reports.__main__`` prints it, no traceback.
"""

from __future__ import annotations

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_UNUSABLE = 2


class InputError(Exception):
    """Input the reports cannot use: the message is one line that says what to do."""
