"""Reads a credential from senhasegura's A2A API with the method the configuration names (OAuth 2.0,
OAuth 1.0 or the query token), optionally over mTLS; the password is used, never printed.

    M2MAUTH_CONFIG=a2a.json python3 senhasegura_credential.py 5        (or username@hostname)
"""

import sys

import m2mauth
import m2mauth.config


def main() -> int:
    ident = sys.argv[1] if len(sys.argv) > 1 else "5"
    a2a = m2mauth.config.load().a2a_client()
    credential = a2a.credential(ident)
    password = credential.get("password", "")
    print(f"   credential {ident}: {credential['username']}@{credential['hostname']}, "
          f"password of {len(password.encode())} bytes (not shown)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except m2mauth.Error as e:
        print(f"error: {e} ({e.name}, vendor code {getattr(e, 'vendor_code', 0)})", file=sys.stderr)
        sys.exit(1)
