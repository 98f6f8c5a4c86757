"""``python -m reports html|gate|scan-secrets|demo``.

Every user error is one line on stderr and exit code 2 (``InputError``); the gate's verdict is
exit 0 (pass) or 1 (fail). ``demo`` (``reports/demo.py``) is imported only when asked
for, so ``html`` and ``gate`` never depend on it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from reports.errors import EXIT_FAIL, EXIT_PASS, EXIT_UNUSABLE, InputError
from reports.scanner import MAX_SECONDS, MAX_TOTAL_BYTES, Budget
from wording import DEFAULT, LANGUAGES, say
from wording.cli import OneLineParser


class _Parser(OneLineParser):
    failure = InputError


def _positive(kind: type) -> Callable[[str], float]:
    """An argparse type: a finite number above 0 of ``kind``."""

    def parse(text: str) -> float:
        value = kind(text)
        if not 0 < value < float("inf"):
            raise ValueError(text)
        return value

    parse.__name__ = f"positive {kind.__name__}"  # argparse names it in its one-line error
    return parse


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m reports", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    html = commands.add_parser("html", help="render the Allure Report 3 HTML report")
    html.add_argument("--results", type=Path, required=True, help="allure-pytest results folder")
    html.add_argument("--out", type=Path, required=True, help="report folder (index.html)")
    html.add_argument(
        "--history",
        type=Path,
        help="Allure history file kept across runs for trends"
        " (default: <out>-history.jsonl beside the report folder)",
    )
    html.add_argument("--no-history", action="store_true", help="render without trends")

    verdict = "release verdict, one line per rule: exit 0 pass, 1 fail, 2 unusable input"
    gate = commands.add_parser("gate", help=verdict, description=verdict)
    gate.add_argument("--results", type=Path, required=True, help="allure-pytest results folder")
    gate.add_argument("--history", type=Path, help="monitors' SQLite history (SLO rules)")
    gate.add_argument("--policy", type=Path, help="gate policy (see gate.example.toml)")
    gate.add_argument("--summary", type=Path, help="write a Markdown summary here")
    gate.add_argument("--junit", type=Path, help="write a JUnit XML file here (one case per rule)")
    gate.add_argument("--report-url", default="", help="link to the HTML report in the summary")
    gate.add_argument(
        "--language",
        choices=LANGUAGES,
        default=DEFAULT,
        help=f"language of the verdict lines and the summary (default: {DEFAULT})",
    )

    scan = commands.add_parser(
        "scan-secrets",
        help="find passwords, TOTP secrets, otpauth URIs and codes in artifacts: exit 0 all read"
        " and clean, 1 found, 2 unusable input or something not scanned",
        description="Values come from EESPRESSO_SCAN_SECRETS (one a line), EESPRESSO_PASSWORD,"
        " EESPRESSO_SECRET_LEDGER or --values-file, never from the command line.",
    )
    scan.add_argument("folder", type=Path, help="artifacts folder (traces, screenshots, results)")
    scan.add_argument(
        "--values-file", type=Path, help="values to look for: one a line, or ledger JSON lines"
    )
    scan.add_argument(
        "--max-seconds",
        type=_positive(float),
        default=MAX_SECONDS,
        help=f"time budget of the whole scan (default {MAX_SECONDS:g})",
    )
    scan.add_argument(
        "--max-mib",
        type=_positive(int),
        default=MAX_TOTAL_BYTES >> 20,
        help="size budget: MiB read, archive members decompressed"
        f" (default {MAX_TOTAL_BYTES >> 20})",
    )

    commands.add_parser("demo", help="the full main job against the sandbox (make demo)")
    return parser


def _html(args: argparse.Namespace) -> int:
    from reports.html import render

    history = None
    if not args.no_history:
        history = args.history or args.out.parent / f"{args.out.name}-history.jsonl"
    index = render(args.results, args.out, history)
    print(f"report: {index}")
    return EXIT_PASS


def _gate(args: argparse.Namespace) -> int:
    from reports.gate import evaluate
    from reports.policy import load_policy
    from reports.results import load_results
    from reports.summary import write_outputs

    policy = load_policy(args.policy)
    language = args.language
    results = load_results(args.results)
    verdict = evaluate(results, policy, args.history, args.report_url, language)
    write_outputs(verdict, args.summary, args.junit)
    for rule in verdict.rules:
        print(rule.line(language))
    failed = sum(1 for rule in verdict.rules if not rule.passed)
    word = say(language, "gate.line.pass" if verdict.passed else "gate.line.fail")
    print(say(language, "gate.verdict", verdict=word, n=failed, total=len(verdict.rules)))
    return EXIT_PASS if verdict.passed else EXIT_FAIL


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["demo"]:
        from reports import demo  # imported only when asked for

        return demo.main(argv[1:])
    try:
        args = _parser().parse_args(argv)
        if args.command == "scan-secrets":
            from reports import scan_secrets

            budget = Budget(seconds=args.max_seconds, bytes=args.max_mib << 20)
            return scan_secrets.main(args.folder, args.values_file, budget)
        return _html(args) if args.command == "html" else _gate(args)
    except InputError as exc:
        command = argv[0] if argv and argv[0] in ("html", "gate", "scan-secrets") else ""
        print(f"reports {command}: error: {exc}".replace("  ", " "), file=sys.stderr)
        return EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
