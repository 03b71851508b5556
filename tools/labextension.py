"""Build the course's JupyterLab extension, and check that the committed build is of the current sources.

The extension's sources are in ``course/hub/lab`` (TypeScript); its build, a prebuilt
(federated) extension, is committed in ``course/hub/labextension/mesocourse-lab`` so that
``make setup``, CI and the hub need no Node.js. ``python tools/labextension.py`` (``make
labextension``) installs the locked npm packages, builds, and records the SHA-256 of the
sources in the built ``package.json`` (``mesocourseSources``); ``--check`` (``make lint``)
fails, naming the files, when the sources changed since the committed build.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "course" / "hub" / "lab"
BUILT = ROOT / "course" / "hub" / "labextension" / "mesocourse-lab"
DIGEST_KEY = "mesocourseSources"


def source_files(sources: Path = SOURCES) -> list[Path]:
    """What the build is made from: the package and TypeScript settings, the lock file, code and style."""
    listed = [sources / name for name in ("package.json", "package-lock.json", "tsconfig.json")]
    return [*listed, *sorted((sources / "src").glob("*.ts")), *sorted((sources / "style").glob("*.css"))]


def sources_digest(sources: Path = SOURCES) -> str:
    """The SHA-256 of every source file's path (relative) and bytes."""
    digest = hashlib.sha256()
    for path in source_files(sources):
        if not path.is_file():
            raise SystemExit(f"{path}: a source of the course's JupyterLab extension is missing")
        digest.update(path.relative_to(sources).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def check(sources: Path = SOURCES, built: Path = BUILT) -> str | None:
    """None when ``built`` is the build of ``sources``; else what is wrong, in words."""
    manifest = built / "package.json"
    if not manifest.is_file():
        return f"{manifest}: the built extension is missing"
    data = json.loads(manifest.read_text())
    recorded, load = data.get(DIGEST_KEY), data.get("jupyterlab", {}).get("_build", {}).get("load", "")
    if not (built / load).is_file():
        return f"{manifest}: its entry point {load!r} is missing"
    if recorded != sources_digest(sources):
        names = ", ".join(path.relative_to(sources).as_posix() for path in source_files(sources))
        return f"{built} is not the build of the current sources in {sources} ({names})"
    return None


def build() -> None:
    """``npm ci`` (the locked packages), ``npm run build:prod`` (tsc, then ``jupyter builder build``), the digest."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for command in (["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], ["npm", "run", "build:prod"]):
        subprocess.run(command, cwd=SOURCES, env=env, check=True)
    manifest = BUILT / "package.json"
    data = json.loads(manifest.read_text())
    data[DIGEST_KEY] = sources_digest()
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    print(f"built {BUILT.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        problem = check()
        if problem:
            print(f"{problem}: run make labextension", file=sys.stderr)
            return 1
        return 0
    build()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
