"""`sheetplan batch DIR -o OUT`: the command-line adapter over :func:`sheetplan.batch.local.run_batch`.

Kept apart from cli.py so the batch can be wired in with one line (``register(app)``) and
also run on its own (``python -m sheetplan.batch.cli DIR -o OUT``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..messages import console

# click's plain help for every sheetplan command: typer 0.29's rich panels tag each option with its
# Python type (`<bool>`, `<list[Path]>`, `{path}`), where a newcomer needs to read what to type
HELP_MODE = None
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


def batch(
    src_dir: Annotated[Path, typer.Argument(metavar="FOLDER",
                                            help="folder with plan workbooks (searched recursively)")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", metavar="FOLDER",
                                          help="output folder (the input tree is mirrored)")] = Path("out"),
    jobs: Annotated[int, typer.Option("--jobs", "-j", metavar="N", help="parallel processes (0 = one per CPU)")] = 0,
    force: Annotated[bool, typer.Option("--force", help="rebuild plans that have not changed")] = False,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS",
                                           help="seconds one plan may take before it is stopped and "
                                           "reported (0 = no limit)", min=0)] = 900.0,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", metavar="ADDRESS",
        help="build on a Dask cluster: tcp://HOST:8786, or local:N for N worker processes here "
        "(needs sheetplan[dask]; see docs/operator.md)")] = None,
) -> None:
    """Build every plan under a folder in parallel; unchanged plans are skipped. Exit 2 if any failed."""
    from .local import run_batch

    out = console()  # markup off: plan file names and reasons print as they are
    err = console(stderr=True)
    if not src_dir.is_dir():
        err.print(f"{src_dir}: 不是文件夹 / not a folder", highlight=False)
        raise typer.Exit(2)
    try:
        report = run_batch(src_dir, out_dir, jobs=jobs, force=force, progress=True, console=err,
                           timeout=timeout or None, scheduler=scheduler)
    except KeyboardInterrupt:
        err.print("已中断：正在生成的计划已完成，其余未开始 / interrupted: the plans being built were finished, "
                  "the rest not started", style="yellow")
        raise typer.Exit(130) from None
    if not report.outcomes and not report.errors:
        err.print(f"{src_dir}: 没有找到计划工作簿 / no plan workbooks found", highlight=False)
    for line in report.summary_lines():
        out.print(line, highlight=False, markup=False)
    raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    """Add the `batch` command to the main `sheetplan` app."""
    app.command("batch", short_help="build every plan under a folder, in parallel")(batch)


def main() -> None:
    app = typer.Typer(add_completion=False, rich_markup_mode=HELP_MODE, context_settings=HELP_OPTIONS)
    register(app)
    app.command("_", hidden=True)(lambda: None)  # two commands, so typer keeps `batch` as a sub-command
    run_app(app)


def run_app(app: typer.Typer) -> None:
    """Run a command line: Ctrl-C exits 130; an exception no check foresaw is one line naming it
    (exit 1), never a traceback over a planner's screen."""
    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as e:
        from ..version import __version__

        why = f"{type(e).__name__}: {e}"[:500]
        head = f"内部错误 / internal error (sheetplan {__version__}; please report / 请反馈)"
        console(stderr=True).print(f"{head}: {why}", style="red")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
