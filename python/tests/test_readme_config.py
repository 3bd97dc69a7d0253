"""The README's configuration example is valid: the JSON block of "Configuration (the same in every
language)" loads with the library's loader, its file paths mapped onto test files (the example names
/etc/ssl and /run/secrets, which a test machine does not have)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import m2mauth

ROOT = Path(__file__).resolve().parents[2]


def readme_config_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration (the same in every language)", 1)[1]
    blocks = re.findall(r"```json\n(.*?)```", section, re.S)
    assert blocks, "the Configuration section has no JSON example"
    return blocks[0]


def test_the_readme_configuration_example_loads(test_pki, tmp_path, monkeypatch):
    example = readme_config_example()
    doc = json.loads(example)
    files = {
        "/etc/ssl/corp-ca.pem": Path(test_pki["ca_bundle"]).read_bytes(),
        "/run/secrets/client.pem": Path(test_pki["certs"]["client_rsa"]["cert"]).read_bytes(),
        "/run/secrets/client.key": Path(test_pki["certs"]["client_rsa"]["key"]).read_bytes(),
        "/run/secrets/bmp.pem": (ROOT / "tests" / "servers" / "keys" / "rsa2048.pem").read_bytes(),
    }
    named = set(re.findall(r'"(/[^"]+)"', example))
    assert named == set(files), f"the example names other files: {sorted(named - set(files))}"
    for path, data in files.items():
        local = tmp_path / path.lstrip("/")
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(data)
        example = example.replace(f'"{path}"', json.dumps(str(local)))
    monkeypatch.setenv("A2A_SECRET", "a2a-secret-from-the-environment")
    config = m2mauth.config.from_json(example)
    shown = config.describe() if hasattr(config, "describe") else str(config)
    assert "a2a-secret-from-the-environment" not in str(shown)
    assert doc["oauth2"]["profile"] == "bmp" and "senhasegura" in doc


def test_a_key_the_loader_refuses_is_named(tmp_path):
    """What the README once showed (client_key_file) is refused with the key named, so the test above
    would catch a stale example."""
    with pytest.raises(m2mauth.errors.ConfigError) as info:
        m2mauth.config.from_json({"oauth2": {"token_url": "https://auth.example/token", "client_id": "c",
                                             "client_key_file": str(tmp_path / "k.pem")}})
    assert "client_key_file" in str(info.value)
