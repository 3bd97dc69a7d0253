"""The private-key JWT onboarding of the BMP Money Plus private-key JWT guide (README, "The two seed APIs"), in Python.

Generates an RSA-2048 key pair, prints the public key to send, signs an RS256 client assertion
(jti, iss = sub = client_id, aud = token endpoint, iat, nbf, exp) and verifies it.

    python3 client_assertion.py [client_id] [token_endpoint]
"""

import sys
import time
import uuid

import m2mauth


def main() -> int:
    client_id = sys.argv[1] if len(sys.argv) > 1 else "bmp.digital.api.partner"
    token_url = sys.argv[2] if len(sys.argv) > 2 else "https://auth.moneyp.dev.br/connect/token"
    key = m2mauth.Key.generate("RSA", bits=2048)
    print(f"1. generated {key!r}")
    print(f"2. public key to send (thumbprint {key.thumbprint()}):\n{key.public_pem()}", end="")
    now = int(time.time())
    claims = {"jti": str(uuid.uuid4()), "iss": client_id, "sub": client_id, "aud": token_url,
              "iat": now, "nbf": now, "exp": now + 120}
    token = m2mauth.jwt.encode(claims, key, algorithm="RS256")
    print(f"3. signed an RS256 client assertion of {len(token)} bytes for {client_id}")
    verified = m2mauth.jwt.decode(token, key.public_key(), algorithms=["RS256"], audience=token_url,
                                  issuer=client_id, options={"require": ["exp", "jti"]})
    print(f"4. verified with the public key only; claims: {verified}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
