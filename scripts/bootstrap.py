"""Create .venv and install the project into it; one clear line on failure.

Kept compatible with old Python 3 syntax so that it can report a too-old interpreter itself.
"""

import os
import subprocess
import sys

MIN_VERSION = (3, 11)
VENV = ".venv"
STAMP = os.path.join(VENV, ".installed")
LOG = os.path.join(VENV, "install.log")


def fail(message):
    sys.stderr.write("make: " + message + "\n")
    sys.exit(2)


def main():
    if sys.version_info[:2] < MIN_VERSION:
        fail(
            "Python %d.%d or newer is needed, found %s; install python3.11 and run `make PY=python3.11 ...`"
            % ((*MIN_VERSION, sys.version.split()[0]))
        )
    pip = os.path.join(VENV, "bin", "pip")
    if not os.path.exists(pip) and subprocess.call([sys.executable, "-m", "venv", VENV]) != 0:
        fail(
            "could not create %s with `%s -m venv`; install the venv module (apt-get install python3-venv)"
            % (VENV, sys.executable)
        )
    with open(LOG, "w") as log:
        status = subprocess.call(
            [pip, "install", "--disable-pip-version-check", "-e", ".[site,test]"], stdout=log, stderr=subprocess.STDOUT
        )
    if status != 0:
        with open(LOG) as log:
            text = log.read()
        if (
            "No matching distribution" in text
            or "Could not fetch" in text
            or "NewConnectionError" in text
            or "Network is unreachable" in text
            or "Temporary failure in name resolution" in text
        ):
            fail(
                "cannot download the pinned packages from the package registry (PyPI); "
                "check network access or pip's index settings, details in " + LOG
            )
        fail("pip install failed; see " + LOG + " (last line: " + (text.strip().splitlines() or ["?"])[-1][:200] + ")")
    install_fonts()
    open(STAMP, "w").close()


def install_fonts():
    """The site's fonts (and KaTeX for a test) from the npm registry, pinned in package-lock.json.
    Without npm the book still builds, with system fonts; say so and go on."""
    if not os.path.exists("package-lock.json"):
        return
    try:
        with open(LOG, "a") as log:
            status = subprocess.call(["npm", "ci", "--no-audit", "--no-fund"], stdout=log, stderr=subprocess.STDOUT)
    except OSError:
        sys.stderr.write(
            "make: npm is not installed: the site uses system fonts (install nodejs/npm, then `make setup`)\n"
        )
        return
    if status != 0:
        sys.stderr.write("make: `npm ci` failed (see " + LOG + "): the site uses system fonts\n")


if __name__ == "__main__":
    main()
