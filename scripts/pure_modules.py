"""The pure modules, as named by the "pure" import-linter contract in pyproject.toml.

python scripts/pure_modules.py            print their files, comma-separated
python scripts/pure_modules.py --check 95 fail unless each has 95% branch coverage
                                          in the combined coverage data
"""

import argparse
import json
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pure_module_files() -> list[Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    pure = next(item for item in config["contracts"] if item["id"] == "pure")
    files = []
    for name in pure["source_modules"]:
        path = Path(*name.split("."))
        files.append(path / "__init__.py" if (ROOT / path).is_dir() else path.with_suffix(".py"))
    return files


def coverage_by_file(files: list[Path]) -> dict[str, float]:
    import coverage

    measured = coverage.Coverage()
    measured.load()
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        measured.json_report(include=[str(path) for path in files], outfile=report.name)
        data = json.loads(Path(report.name).read_text())
    return {name: item["summary"]["percent_covered"] for name, item in data["files"].items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", type=float, metavar="PERCENT")
    args = parser.parse_args()
    files = pure_module_files()
    if args.check is None:
        print(",".join(str(path) for path in files))
        return 0
    found = coverage_by_file(files)
    missing = [str(path) for path in files if str(path) not in found]
    below = {name: percent for name, percent in found.items() if percent < args.check}
    for name, percent in sorted(found.items()):
        print(
            f"{percent:6.1f}%  {name}{'  below ' + str(args.check) + '%' if name in below else ''}"
        )
    for name in missing:
        print(f"   not measured  {name}")
    return 1 if below or missing else 0


if __name__ == "__main__":
    sys.exit(main())
