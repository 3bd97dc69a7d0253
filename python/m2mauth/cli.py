"""The ``m2mauth`` command: keys, JWK, thumbprints and JWTs; OAuth 2.0 tokens and authenticated
requests; certificate fingerprints; the senhasegura A2A API; the configuration.

Exit codes (stable, for scripts):
  0  success
  1  a token refused: jwt verify found it invalid, or jwt decode found no JWT; stderr:
       m2mauth: verification failed: <error name>: <message>     (jwt verify; then, for a refused
       m2mauth:   <claim> is <value>, expected <value>             claim, one line per non-secret claim
                                                                   that differs: iss, sub, aud, exp, ...)
       m2mauth: token refused: malformed: <message>               (jwt decode)
  2  usage error (bad or conflicting options; argparse prints the usage); the message names options but
     never repeats a value given on the command line
  3  I/O error (a file cannot be read or written, or exists without --force); stderr:
       m2mauth: i/o error: <path>: <reason>
  4  any other error (an unreadable key, invalid JSON, a refused client, a vault error, ...); stderr:
       m2mauth: error: <error name>: <message>
  5  transient failure: retrying later may succeed (network, timeout, TLS reset, HTTP 5xx/429,
     temporarily_unavailable, backoff); stderr:
       m2mauth: transient error: <error name>: <message>[ (retry after <seconds> s)]
  6  `request --fail` and the server answered with an HTTP status of 400 or more; stderr:
       m2mauth: http status: <status>

Secrets (passphrases, HMAC secrets, client secrets) are never taken from the command line, only from
files ("-" is stdin), environment variables or the configuration (whose own secrets are X_file / X_env
entries), and are never printed, with two exceptions the user asks for: `m2mauth token` prints
the access token and `m2mauth a2a` prints what the vault returns (passwords included), both on stdout
only. The only secret ever written to a file is a private key, created with mode 0600. The one
exception to "never on the command line": `jwt decode TOKEN` and `jwt verify ... TOKEN` take the token
being inspected as an argument, as users paste it (the shell history and `ps` then show it: prefer stdin
or --token-file for a live token).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
import uuid
from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence

from . import __version__, errors
from ._cli_io import CliUsageError, check_writable, read_input, read_secret, write_file
from .algorithms import ALGORITHMS
from .certificates import Certificate
from .keys import Key, KeySet

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_IO, EXIT_ERROR, EXIT_TRANSIENT, EXIT_HTTP = 0, 1, 2, 3, 4, 5, 6

_EPILOG = """exit codes: 0 ok, 1 verification failed or token refused, 2 usage, 3 I/O error, 4 other error,
5 transient failure (retry later), 6 HTTP status >= 400 (request --fail).
Secrets are read only from files ('-' = stdin) or environment variables."""


class _HttpStatus(Exception):
    """`request --fail` got an HTTP status >= 400 (exit 6)."""

    def __init__(self, status: int) -> None:
        super().__init__(str(status))
        self.status = status


class _Refused(Exception):
    """A token was refused (exit 1): by jwt verify ("verification failed"), or by jwt decode, which found
    no JWT ("token refused"); wraps the library's error, with lines that explain it."""

    def __init__(self, error: errors.Error, details: Sequence[str] = (), what: str = "verification failed") -> None:
        super().__init__(str(error))
        self.error = error
        self.details = list(details)
        self.what = what


# ---- input helpers -------------------------------------------------------------------------------

def _passphrase(args: argparse.Namespace) -> Optional[bytes]:
    return read_secret(args.passphrase_file, args.passphrase_env, "passphrase", strip_newline=True)


def _load_key_data(data: bytes, passphrase: Optional[bytes], kid: Optional[str] = None, *,
                   allow_set: bool = False) -> Any:
    """A Key from PEM, DER, JWK or JWKS bytes (the only key of a one-key set without --kid), or with
    ``allow_set`` a KeySet for a JWK set without --kid (public keys only: a verification set)."""
    stripped = data.lstrip()
    if stripped.startswith(b"{"):
        try:
            obj = json.loads(stripped)
        except ValueError:
            raise errors.KeyFormatError("the key file looks like JSON but does not parse") from None
        if isinstance(obj, dict) and "keys" in obj:
            return KeySet(obj) if kid is None and allow_set else Key.from_jwks(obj, kid)
        return Key.from_jwk(obj)
    if b"-----BEGIN" in data:
        return Key.from_pem(data, passphrase)
    if not data.startswith(b"\x30"):  # every DER key or certificate is a SEQUENCE
        raise errors.KeyFormatError("not a PEM, DER or JWK key (the file starts with neither '-----BEGIN', "
                                    "'{' nor a DER sequence)")
    return Key.from_der(data, passphrase)


def _key_from_args(args: argparse.Namespace, *, allow_set: bool = False) -> Any:
    secret = read_secret(getattr(args, "secret_file", None), getattr(args, "secret_env", None), "HMAC secret",
                         strip_newline=False)
    if secret is not None:
        return Key.hmac(secret)
    if args.key is None:
        raise CliUsageError("give a key: --key FILE, --secret-file FILE or --secret-env VAR")
    if args.key.lower().startswith("pkcs11:"):  # a key in a PKCS#11 token; the passphrase options give the PIN
        return Key.from_pkcs11(args.key, _passphrase(args))
    return _load_key_data(read_input(args.key, "key"), _passphrase(args), getattr(args, "kid", None),
                          allow_set=allow_set)


def _token(args: argparse.Namespace) -> str:
    """The token from TOKEN ('-' = stdin), --token-file, --token-env or stdin, checked to have the
    shape of a compact JWT (three base64url parts), so the message names the problem."""
    if args.token is not None and (args.token_file is not None or args.token_env is not None):
        raise CliUsageError("give the token once: TOKEN, --token-file or --token-env")
    if args.token is not None and args.token != "-":
        data = args.token.encode("utf-8", "surrogateescape")
    else:
        data = read_secret(args.token_file, args.token_env, "token", strip_newline=False)
        if data is None:
            data = read_input("-", "token")
    try:
        token = data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise errors.MalformedError("not a JWT: the token is not ASCII") from None
    if not token:
        raise errors.MalformedError("not a JWT: the input is empty")
    parts = token.split(".")
    if len(parts) != 3:
        jwe = " (five is a JWE: m2mauth reads signed tokens only)" if len(parts) == 5 else ""
        raise errors.MalformedError(
            f"not a JWT: expected three base64url parts separated by '.', found {len(parts)}{jwe}")
    for number, part in enumerate(parts[:2], 1):
        if not _BASE64URL.fullmatch(part):
            what = "header" if number == 1 else "payload"
            raise errors.MalformedError(f"not a JWT: part {number} (the {what}) is not base64url")
    return token


_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


def _claims(args: argparse.Namespace) -> Dict[str, Any]:
    if args.claims is not None:
        text = args.claims
    else:
        text = read_input(args.claims_file or "-", "claims").decode("utf-8")
    if not text.strip():
        raise errors.MalformedError("no claims: the input is empty (give a JSON object; {} signs a token "
                                    "without claims)")
    try:
        claims = json.loads(text)
    except ValueError as exc:
        raise errors.MalformedError(f"the claims are not valid JSON: {exc}") from None
    if not isinstance(claims, dict):
        raise errors.MalformedError("the claims must be a JSON object")
    return claims


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2) + "\n")


def _algs(values: Sequence[str]) -> List[str]:
    out: List[str] = []
    for v in values:
        out.extend(a for a in v.replace(",", " ").split() if a)
    return out


# ---- commands ------------------------------------------------------------------------------------

def _cmd_keygen(args: argparse.Namespace) -> int:
    if args.public_out is not None and args.public_out == args.out:
        raise CliUsageError("--out and --public-out must differ")
    passphrase = _passphrase(args)
    check_writable(args.out, args.force)
    if args.public_out is not None:
        check_writable(args.public_out, args.force)
    kty = {"Ed25519": "OKP"}.get(args.type, args.type)
    key = Key.generate(kty, bits=args.bits, curve=args.curve)
    write_file(args.out, key.private_pem(passphrase).encode("ascii"), private=True, force=args.force)
    if args.public_out is not None:
        write_file(args.public_out, key.public_pem().encode("ascii"), private=False, force=args.force)
    thumbprint = key.thumbprint()
    public = key.with_kid(args.kid if args.kid is not None else thumbprint)
    _print_json({"thumbprint": thumbprint, "jwk": public.public_jwk(alg=args.alg, use=args.use),
                 "private_key": args.out, "public_key": args.public_out})
    return EXIT_OK


def _cmd_jwk(args: argparse.Namespace) -> int:
    if args.kid is not None and len(args.files) > 1:
        raise CliUsageError("--kid applies to one key only")
    if args.private and (args.out is None or len(args.files) != 1 or args.set):
        raise CliUsageError("--private writes one private JWK to --out FILE (it is never printed)")
    if args.out is not None and not args.private:
        raise CliUsageError("--out is only for --private")
    passphrase = _passphrase(args)
    keys = []
    for path in args.files:
        key = _load_key_data(read_input(path, "key"), passphrase, allow_set=True)
        if isinstance(key, KeySet):
            raise CliUsageError(f"{path} is already a JWK set")
        if args.kid is not None:
            key = key.with_kid(args.kid)
        elif key.kid is None and not args.no_kid:
            key = key.with_kid()
        keys.append(key)
    if args.private:
        check_writable(args.out, args.force)
        jwk = keys[0].private_jwk()
        write_file(args.out, (json.dumps(jwk, indent=2) + "\n").encode("utf-8"), private=True, force=args.force)
        return EXIT_OK
    jwks = [k.public_jwk(alg=args.alg, use=args.use) for k in keys]
    _print_json({"keys": jwks} if args.set or len(jwks) > 1 else jwks[0])
    return EXIT_OK


def _cmd_thumbprint(args: argparse.Namespace) -> int:
    key = _load_key_data(read_input(args.file, "key"), _passphrase(args), allow_set=True)
    if isinstance(key, KeySet):
        raise CliUsageError(f"{args.file} is a JWK set: give one key")
    sys.stdout.write(key.thumbprint() + "\n")
    return EXIT_OK


def _cmd_fingerprint(args: argparse.Namespace) -> int:
    cert = Certificate._from_pem_or_der(read_input(args.file, "certificate"))
    sys.stdout.write(cert.fingerprint(hash=args.hash, format=args.format) + "\n")
    return EXIT_OK


def _cmd_jwt_encode(args: argparse.Namespace) -> int:
    if args.claims is not None and args.claims_file is not None:
        raise CliUsageError("give --claims or --claims-file, not both")
    claims = _claims(args)
    now = int(time.time())
    if args.iat:
        claims["iat"] = now
    if args.expires_in is not None:
        claims["exp"] = now + args.expires_in
    if args.jti:
        claims["jti"] = str(uuid.uuid4())
    key = _key_from_args(args)
    headers: Dict[str, Any] = {}
    if args.header is not None:
        try:
            headers = json.loads(args.header)
        except ValueError as exc:
            raise errors.MalformedError(f"--header is not valid JSON: {exc}") from None
        if not isinstance(headers, dict):
            raise errors.MalformedError("--header must be a JSON object")
    if args.header_kid is not None:
        headers["kid"] = args.header_kid
    from . import jwt
    alg = args.alg if args.alg is not None else key.default_algorithm
    sys.stdout.write(jwt.encode(claims, key, algorithm=alg, headers=headers or None) + "\n")
    return EXIT_OK


def _cmd_jwt_decode(args: argparse.Namespace) -> int:
    from . import jws
    try:
        token = _token(args)
        header, payload = jws.decode_unverified(token)
        claims = json.loads(payload)
    except (errors.InvalidTokenError, errors.UnsupportedError, errors.TooLargeError) as exc:
        # not a JWT, alg "none" or unknown, "crit", too long: a refused token (exit 1), like jwt verify's
        raise _Refused(exc, what="token refused") from None
    except ValueError as exc:
        if isinstance(exc, errors.Error):
            raise
        raise _Refused(errors.MalformedError("not a JWT: the payload is not JSON"), what="token refused") from None
    sys.stderr.write("m2mauth: warning: the token was NOT verified (decode only shows its content)\n")
    _print_json({"verified": False, "header": header, "payload": claims})
    return EXIT_OK


def _cmd_jwt_verify(args: argparse.Namespace) -> int:
    from . import jwt
    algorithms = _algs(args.alg)
    if not algorithms:
        raise CliUsageError("--alg needs at least one algorithm")
    key = _key_from_args(args, allow_set=True)
    verifier = jwt.Verifier(key, algorithms, audience=args.aud or None, issuer=args.iss, subject=args.sub,
                            leeway=args.leeway, require=args.require or ())
    try:
        token = _token(args)
    except errors.MalformedError as exc:
        raise _Refused(exc) from None
    try:
        result = verifier.verify_complete(token)
    except errors.Error as exc:
        raise _Refused(exc, _explain(token, args, algorithms, exc)) from None
    _print_json({"verified": True, "header": result["header"], "payload": result["payload"]})
    return EXIT_OK


def _shown(value: Any) -> str:
    """A claim value for a terminal: JSON (control characters escaped), at most 120 characters."""
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 120 else text[:117] + "..."


def _when(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e11:
        delta = int(value - time.time())
        moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(value))
        return f"{_shown(value)} ({moment}, {abs(delta)} s {'ago' if delta < 0 else 'from now'})"
    return _shown(value)


def _explain(token: str, args: argparse.Namespace, algorithms: Sequence[str], exc: errors.Error) -> List[str]:
    """For a refused token, the non-secret values that differ from what was expected (from the token's
    unverified content: shown only to explain a refusal, never trusted). Other claims are never shown."""
    from . import jws
    try:
        header, payload = jws.decode_unverified(token)
        claims = json.loads(payload)
    except (ValueError, errors.Error):
        return []
    if not isinstance(claims, dict) or not isinstance(header, dict):
        return []
    lines: List[str] = []
    if isinstance(exc, errors.AlgorithmError):
        lines.append(f"alg is {_shown(header.get('alg'))}, accepted: {', '.join(algorithms)}")
    if isinstance(exc, errors.InvalidClaimError):
        for name, expected in (("iss", args.iss), ("sub", args.sub)):
            if expected is not None and claims.get(name) != expected:
                actual = _shown(claims[name]) if name in claims else "absent"
                lines.append(f"{name} is {actual}, expected {_shown(expected)}")
        aud = claims.get("aud")
        have = aud if isinstance(aud, list) else [aud]
        if "aud" in claims and not args.aud:
            lines.append(f"aud is {_shown(aud)}, and no --aud was given (a token naming an audience needs one)")
        elif args.aud and not any(a in have for a in args.aud):
            actual = _shown(aud) if "aud" in claims else "absent"
            lines.append(f"aud is {actual}, expected one of {_shown(args.aud)}")
    if isinstance(exc, (errors.ExpiredTokenError, errors.ImmatureTokenError)):
        for name in ("exp", "nbf", "iat"):
            if name in claims:
                lines.append(f"{name} is {_when(claims[name])}; leeway {args.leeway} s")
    if isinstance(exc, errors.MissingClaimError):
        missing = [n for n in (args.require or ()) if n not in claims]
        if missing:
            lines.append(f"missing: {', '.join(_shown(n) for n in missing)}")
    return lines


# ---- parser --------------------------------------------------------------------------------------

_OPTION_NAME = re.compile(r"--?[A-Za-z][A-Za-z0-9-]{0,47}")


def _option_name(word: str) -> Optional[str]:
    """The option name of a command-line word without any "=value"; None if the word is not an option."""
    name = word.split("=", 1)[0]
    return name if _OPTION_NAME.fullmatch(name) else None


def _scrub_usage_error(message: str, words: Sequence[str]) -> str:
    """An argparse error message that repeats no argument value: option names stay, values go (a secret
    typed on the command line by mistake must not reach a terminal, a CI log or a bug report)."""
    if message.startswith("unrecognized arguments: "):
        extra = message[len("unrecognized arguments: "):].split()
        names = [n for n in (_option_name(w) for w in extra) if n is not None]
        hidden = len(extra) - len(names) + sum(1 for w in extra if "=" in w and _option_name(w) is not None)
        message = "unrecognized arguments: " + " ".join(names)
        if hidden:
            message += f"{' ' if names else ''}({hidden} value{'s' if hidden > 1 else ''} not shown)"
    elif message.startswith("ambiguous option: ") and " could match " in message:
        word, _, matches = message[len("ambiguous option: "):].rpartition(" could match ")
        message = f"ambiguous option: {_option_name(word) or '<value>'} could match {matches}"
    for marker, tail in (("invalid choice", " (choose from "), ("unknown parser", " (choices: ")):
        at = message.find(marker)
        if at >= 0:
            choices = message.rfind(tail)
            message = message[:at + len(marker)] + (message[choices:] if choices > at else "")
    message = re.sub(r"(?s)(invalid [^\s:]+ value): .*", r"\1", message)
    message = re.sub(r"(?s)(ignored explicit argument) .*", r"\1", message)
    # The net under the rules above (for messages of other Python versions): no word given, nor the value
    # after its "=", of 4 characters or more, standing on its own (argparse quotes values).
    for word in words:
        for value in (word, word.split("=", 1)[1] if "=" in word else ""):
            if len(value) >= 4 and _option_name(value) is None:
                message = re.sub(r"(?<![\w-])" + re.escape(value) + r"(?![\w-])", "<value>", message)
    return message


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors that never repeat an argument value (exit 2 with the usage, as before)."""

    _words: Sequence[str] = ()

    def parse_known_args(self, args: Optional[Sequence[str]] = None, namespace: Any = None) -> Any:
        self._words = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_scrub_usage_error(message, self._words)}\n")


def _passphrase_options(p: argparse.ArgumentParser, what: str) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--passphrase-file", metavar="FILE",
                   help=f"read the passphrase {what} from FILE (one trailing newline is dropped; '-' = stdin)")
    g.add_argument("--passphrase-env", metavar="VAR", help=f"read the passphrase {what} from environment variable VAR")


def _key_options(p: argparse.ArgumentParser, *, jwks: bool) -> None:
    p.add_argument("--key", metavar="FILE",
                   help="key file: PEM, DER, JWK" + (" or JWK set (chosen by the token's kid)" if jwks else "") +
                        ", or a PKCS#11 URI pkcs11:token=...;object=... (the PIN from --passphrase-file/-env "
                        "or M2MAUTH_PKCS11_PIN)")
    _passphrase_options(p, "of an encrypted --key")
    p.add_argument("--secret-file", metavar="FILE", help="HMAC secret: the exact bytes of FILE")
    p.add_argument("--secret-env", metavar="VAR", help="HMAC secret: the value of environment variable VAR")


def _token_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("token", nargs="?", metavar="TOKEN",
                   help="the token, or '-' for stdin (the default). On the command line it stays in the shell "
                        "history and shows in ps: prefer stdin or --token-file for a live token")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--token-file", metavar="FILE", help="read the token from FILE (default: stdin)")
    g.add_argument("--token-env", metavar="VAR", help="read the token from environment variable VAR")


def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="m2mauth", description="Keys, JWK, JWT, OAuth 2.0 tokens, authenticated requests and the "
                     "senhasegura A2A API for machine-to-machine APIs.", epilog=_EPILOG, formatter_class=fmt)
    parser.add_argument("--version", action="version", version=f"m2mauth {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("keygen", help="generate a key pair (replaces openssl genrsa + openssl rsa -pubout)",
                       description="Generate a key pair: the private key goes to --out (PKCS#8 PEM, mode 0600), the "
                       "public key to --public-out (SPKI PEM); the public JWK and its RFC 7638 thumbprint are "
                       "printed as JSON.", epilog=_EPILOG, formatter_class=fmt)
    p.add_argument("--type", choices=["RSA", "EC", "OKP", "Ed25519"], default="RSA", help="key type (default RSA)")
    p.add_argument("--bits", type=int, help="RSA modulus size: 2048 (default), 3072 or 4096")
    p.add_argument("--curve", help="EC curve: P-256 (default), P-384 or P-521")
    p.add_argument("--out", required=True, metavar="FILE", help="private key file (created with mode 0600)")
    p.add_argument("--public-out", metavar="FILE", help="public key file (SPKI PEM)")
    _passphrase_options(p, "that encrypts the private key")
    p.add_argument("--kid", help="kid of the printed JWK (default: the thumbprint)")
    p.add_argument("--alg", choices=ALGORITHMS, help="add alg to the printed JWK")
    p.add_argument("--use", help="add use to the printed JWK (e.g. sig)")
    p.add_argument("--force", action="store_true", help="replace existing files")
    p.set_defaults(func=_cmd_keygen)

    p = sub.add_parser("jwk", help="convert PEM/DER keys to a JWK or JWK set (public by default)",
                       description="Print the public JWK of a key file (PEM, DER or JWK), or a JWK set of several. "
                       "kid defaults to the key's own kid, else its thumbprint.", epilog=_EPILOG, formatter_class=fmt)
    p.add_argument("files", nargs="+", metavar="KEYFILE", help="key file ('-' = stdin)")
    _passphrase_options(p, "of encrypted keys")
    p.add_argument("--kid", help="kid to set (one key only)")
    p.add_argument("--no-kid", action="store_true", help="do not add a thumbprint kid")
    p.add_argument("--alg", choices=ALGORITHMS, help="add alg")
    p.add_argument("--use", help="add use (e.g. sig)")
    p.add_argument("--set", action="store_true", help='print a JWK set {"keys": [...]} even for one key')
    p.add_argument("--private", action="store_true", help="write the PRIVATE JWK to --out (mode 0600); never printed")
    p.add_argument("--out", metavar="FILE", help="output file for --private")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.set_defaults(func=_cmd_jwk)

    p = sub.add_parser("thumbprint", help="print the RFC 7638 JWK thumbprint of a key",
                       epilog=_EPILOG, formatter_class=fmt)
    p.add_argument("file", metavar="KEYFILE", help="key file: PEM, DER or JWK ('-' = stdin)")
    _passphrase_options(p, "of an encrypted key")
    p.set_defaults(func=_cmd_thumbprint)

    p = sub.add_parser("fingerprint", help="print a certificate's fingerprint (for mTLS registration)",
                       epilog=_EPILOG, formatter_class=fmt)
    p.add_argument("file", metavar="CERTFILE", help="certificate: PEM or DER ('-' = stdin)")
    p.add_argument("--hash", choices=["sha256", "sha1"], default="sha256")
    p.add_argument("--format", choices=["hex_colons", "hex", "base64url"], default="hex_colons")
    p.set_defaults(func=_cmd_fingerprint)

    jwt_parser = sub.add_parser("jwt", help="encode, decode or verify a JWT", epilog=_EPILOG, formatter_class=fmt)
    jwt_sub = jwt_parser.add_subparsers(dest="jwt_command", metavar="COMMAND")
    jwt_sub.required = True

    p = jwt_sub.add_parser("encode", help="sign claims as a JWT (printed on stdout)",
                           description="Sign a JSON object of claims (from --claims, --claims-file or stdin) with a "
                           "key file or an HMAC secret; prints the token.", epilog=_EPILOG, formatter_class=fmt)
    _key_options(p, jwks=False)
    p.add_argument("--alg", choices=ALGORITHMS, help="algorithm (default: the key's usual one, e.g. RS256)")
    p.add_argument("--kid", dest="header_kid", help="kid header (default: the key's kid, if any)")
    p.add_argument("--header", metavar="JSON", help="more header members, as a JSON object")
    p.add_argument("--claims", metavar="JSON", help="the claims as a JSON object")
    p.add_argument("--claims-file", metavar="FILE", help="read the claims from FILE ('-' = stdin, the default)")
    p.add_argument("--iat", action="store_true", help="set iat to now")
    p.add_argument("--expires-in", type=int, metavar="SECONDS", help="set exp to now + SECONDS")
    p.add_argument("--jti", action="store_true", help="set jti to a new UUID")
    p.set_defaults(func=_cmd_jwt_encode, kid=None)

    p = jwt_sub.add_parser("decode", help="show a JWT's header and claims WITHOUT verifying it",
                           description="Show a token's header and claims WITHOUT verifying anything (labelled "
                           '"verified": false). Use "m2mauth jwt verify" to check a token.',
                           epilog=_EPILOG, formatter_class=fmt)
    _token_options(p)
    p.set_defaults(func=_cmd_jwt_decode)

    p = jwt_sub.add_parser("verify", help="verify a JWT's signature and claims",
                           description="Verify a token (TOKEN, --token-file, --token-env or stdin); prints its header "
                           "and claims on success (exit 0), a reason on stderr otherwise (exit 1).",
                           epilog=_EPILOG, formatter_class=fmt)
    _key_options(p, jwks=True)
    p.add_argument("--kid", help="pick this kid from a JWK set (default: the token's kid)")
    p.add_argument("--alg", action="append", required=True, metavar="ALG",
                   help="accepted algorithm(s), e.g. RS256 or RS256,ES256 (repeatable)")
    p.add_argument("--aud", action="append", metavar="AUD", help="accepted audience (repeatable)")
    p.add_argument("--iss", help="required issuer")
    p.add_argument("--sub", help="required subject")
    p.add_argument("--require", action="append", metavar="CLAIM", help="claim that must be present (repeatable)")
    p.add_argument("--leeway", type=int, default=0, metavar="SECONDS", help="clock skew allowed (default 0)")
    _token_options(p)
    p.set_defaults(func=_cmd_jwt_verify)

    from . import _cli_net
    _cli_net.add_parsers(sub, _EPILOG, fmt)
    return parser


# ---- entry point ---------------------------------------------------------------------------------

def _fail(code: int, message: str) -> int:
    sys.stderr.write(f"m2mauth: {message}\n")
    return code


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the command; returns the exit code (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on usage errors
    # The command reports a failure itself, in the one stderr line its exit code documents; the library's
    # token events (logger "m2mauth", printed by logging's last resort when nothing is configured) would
    # repeat it.
    logging.getLogger("m2mauth").addHandler(logging.NullHandler())
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CliUsageError as exc:
        return _fail(EXIT_USAGE, f"usage error: {exc}")
    except _Refused as exc:
        details = "".join(f"\nm2mauth:   {line}" for line in exc.details)
        return _fail(EXIT_FAILED, f"{exc.what}: {exc.error.name}: {exc.error}{details}")
    except _HttpStatus as exc:
        return _fail(EXIT_HTTP, f"http status: {exc.status}")
    except errors.FileError as exc:
        return _fail(EXIT_IO, f"i/o error: -: {exc}")
    except errors.Error as exc:  # before OSError: NetworkTimeoutError is also a TimeoutError
        if exc.transient:
            retry = f" (retry after {exc.retry_after:g} s)" if exc.retry_after > 0 else ""
            return _fail(EXIT_TRANSIENT, f"transient error: {exc.name}: {exc}{retry}")
        return _fail(EXIT_ERROR, f"error: {exc.name}: {exc}")
    except OSError as exc:
        where = exc.filename if exc.filename is not None else "-"
        return _fail(EXIT_IO, f"i/o error: {where}: {exc.strerror or exc}")
    except (ValueError, TypeError) as exc:
        return _fail(EXIT_ERROR, f"error: invalid: {exc}")
    except KeyboardInterrupt:
        return _fail(130, "interrupted")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
