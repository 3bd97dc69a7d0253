"""oauthlib's OAuth 1.0 HMAC-SHA1 client signing rate, for bench_oauth1 (which runs this script and
reports the ratio). Signs the same request as bench_oauth1.cpp: a fresh nonce and timestamp per call,
parameters in the Authorization header.

    python3 tests/bench/bench_oauth1.py [seconds-per-round] [rounds]

Prints one line: "oauthlib_client_sign_per_s <rate>" (best round)."""
import sys
import time

from oauthlib.oauth1 import Client

URL = "https://vault.example.com/iso/pam/credential/robot-test-5?fields=password&limit=10&tenant=acme"


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    client = Client("senhasegura-app-7f3a9c", client_secret="c0nsumer-secret-4b1e8f2d",
                    resource_owner_key="a2a-token-93d2c1", resource_owner_secret="t0ken-secret-1a6e0b",
                    realm="senhasegura")
    best = 0.0
    for _ in range(rounds):
        n = 0
        start = time.perf_counter()
        while True:
            for _ in range(200):
                client.sign(URL, "GET")
            n += 200
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        best = max(best, n / elapsed)
    print(f"oauthlib_client_sign_per_s {best:.1f}")


if __name__ == "__main__":
    main()
