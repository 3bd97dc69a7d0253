"""An authenticated API call with a cached OAuth 2.0 token, configured like every m2mauth language:
a JSON file named by $M2MAUTH_CONFIG and/or M2MAUTH_* environment variables.

    M2MAUTH_CONFIG=service.json python3 oauth2_request.py https://api.example.com/v1/accounts [count]
"""

import sys

import m2mauth
import m2mauth.config


def print_event(event: m2mauth.TokenEvent) -> None:
    error = f" error={event.error}" if event.kind == "failed" else ""
    # called on the token manager's thread: one write per line, so lines of two threads never mix
    sys.stdout.write(f'   [event] {event.kind} client={event.client_id} scope="{event.scope}"{error}\n')


def main() -> int:
    url = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    # Events carry no secret: client id, scope, expiry, error names. Called on the fetching thread.
    client = m2mauth.config.load().oauth2_client(on_event=print_event)
    token = client.token()
    print(f"   token: {token.token_type}, {len(token.access_token)} characters (not shown), "
          f"expires at {token.expires_at:.0f}")
    for _ in range(count):
        response = client.request("GET", url)
        print(f"   GET {url} -> HTTP {response.status}, {len(response.body)} bytes")
        if response.status != 200:
            return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except m2mauth.Error as e:
        print(f"error: {e} ({e.name}, transient={e.transient})", file=sys.stderr)
        sys.exit(1)
