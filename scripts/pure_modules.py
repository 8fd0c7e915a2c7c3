"""The files of the pure modules, as named by the "pure" import-linter contract in
pyproject.toml. Run, it prints them comma-separated, for ``coverage report --include``."""

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


if __name__ == "__main__":
    print(",".join(str(path) for path in pure_module_files()))
