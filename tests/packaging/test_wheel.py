"""A built wheel serves the register outside the checkout (issue 12): templates, static files,
migrations, rule files with their weights and the demo data travel as package data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from registry.config import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not (PROJECT_ROOT / "pyproject.toml").exists(), reason="körs från en utcheckning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel, installed into a brand-new venv in a folder outside the checkout. The venv gets
    the test environment's dependencies through a path file (so nothing is downloaded twice), not
    its editable install of Styrdok."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(root / "dist"), str(PROJECT_ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next((root / "dist").glob("styrdok-*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    own_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(own_site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    work = root / "kommun"
    work.mkdir()
    return venv, work


def test_the_package_comes_from_the_wheel_not_the_checkout(installed):
    venv, work = installed
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import registry, web; print(registry.__file__); print(web.__file__)"],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert all(str(venv) in path for path in where), where


def test_the_wheel_inits_the_demo_and_serves_pages_and_the_api(installed):
    venv, work = installed
    env = {k: v for k, v in os.environ.items() if not k.startswith("STYRDOK_")}
    init = subprocess.run(
        [str(venv / "bin" / "styrdok"), "init", "--demo"], cwd=work, env=env, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    assert (work / "instance" / "styrdok.sqlite3").exists()  # in the working folder, not site-packages
    port = _free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "styrdok"), "serve", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        index = urllib.request.urlopen(base + "/", timeout=5).read().decode()
        prova = urllib.request.urlopen(base + "/prova", timeout=5).read().decode()
        spec = urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=5).read().decode()
        css = urllib.request.urlopen(base + "/static/css/styrdok.css", timeout=5).status
        feed = urllib.request.urlopen(base + "/flode/dokument.atom", timeout=5).read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "Digitaliseringsstrategi för Vallentuna kommun" in index
    assert "Prova en motion" in prova
    assert '"openapi"' in spec and "/api/v1/checks" in spec
    assert css == 200
    assert "<feed" in feed and "Digitaliseringsstrategi" in feed  # the .xml templates travel too


def test_every_package_of_the_checkout_is_in_the_wheel_list():
    import tomllib

    listed = set(tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(PROJECT_ROOT).parts)
        for top in ("registry", "web", "migrations", "benchmarks")
        for init in (PROJECT_ROOT / top).rglob("__init__.py")
    }
    assert found - listed == set(), "pyproject.toml lists the packages one by one; add these"
