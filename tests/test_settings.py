import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def _check_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("secret", [None, "", "balitrack-development-only-not-secret"])
def test_production_refuses_to_start_without_its_own_secret_key(secret):
    env = {"DEBUG": "false", "ALLOWED_HOSTS": "balitrack.example.org"}
    if secret is not None:
        env["SECRET_KEY"] = secret

    result = _check_with(env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a private value when DEBUG is off." in result.stderr


def test_production_starts_with_a_secret_key():
    result = _check_with({"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "balitrack.example.org"})

    assert result.returncode == 0, result.stderr


def test_unreadable_debug_flag_is_refused_not_guessed():
    result = _check_with({"DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'." in result.stderr


def test_times_are_kept_aware_and_shown_in_bangkok(settings):
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Bangkok"
