"""The network commands of ``m2mauth``: token, request, cert fingerprint, a2a, config show.

Clients come from flags or from the configuration (``--config FILE``, else ``$M2MAUTH_CONFIG``, plus
the ``M2MAUTH_*`` variables unless ``--no-env``), which the library parses. Secrets come only from
files, environment variables or the configuration's own X_file / X_env entries.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List, Optional, Tuple

from . import errors
from ._cli_io import CliUsageError, read_input, read_secret

__all__ = ["add_parsers"]


# ---- configuration and clients ------------------------------------------------------------------

def _config(args: argparse.Namespace):
    from . import config
    return config.load(args.config, use_env=not args.no_env)


def _http_from_flags(args: argparse.Namespace):
    from .http import Http
    password = read_secret(args.client_key_passphrase_file, args.client_key_passphrase_env, "client key passphrase",
                           strip_newline=True)
    return Http(ca_file=args.ca_file, client_cert=args.client_cert, client_key=args.client_key,
                client_key_password=password, timeout=args.timeout if args.timeout else 30.0)


def _uses_flags(args: argparse.Namespace) -> bool:
    return args.token_url is not None or args.issuer is not None


def _oauth2_client(args: argparse.Namespace):
    """The OAuth 2.0 client from the flags when --token-url or --issuer is given, else the configuration."""
    from .keys import Key
    from .oauth2 import OAuth2Client
    if not _uses_flags(args):
        cfg = _config(args)
        if not cfg.has("oauth2"):
            raise CliUsageError("no OAuth 2.0 client: give --token-url/--issuer and --client-id, or a configuration "
                                "with an \"oauth2\" section (--config FILE or M2MAUTH_CONFIG)")
        if getattr(args, "dpop", False) or getattr(args, "dpop_key", None) is not None:
            raise CliUsageError("--dpop and --dpop-key need --token-url or --issuer (a configuration names its DPoP "
                                "key in oauth2.dpop_key)")
        http = _http_from_flags(args) if (args.ca_file or args.client_cert) else None
        return cfg.oauth2_client(http)
    if args.client_id is None:
        raise CliUsageError("--client-id is required with --token-url or --issuer")
    secret = read_secret(args.client_secret_file, args.client_secret_env, "client secret", strip_newline=True)
    key = None
    if args.private_key is not None:
        passphrase = read_secret(args.passphrase_file, args.passphrase_env, "passphrase", strip_newline=True)
        if args.private_key.lower().startswith("pkcs11:"):  # a key in a PKCS#11 token; the passphrase is its PIN
            key = Key.from_pkcs11(args.private_key, passphrase)
        else:
            key = Key.from_pem(read_input(args.private_key, "private key"), passphrase)
    return OAuth2Client(args.token_url, args.client_id, issuer=args.issuer, client_secret=secret, private_key=key,
                        auth_method=args.auth_method, scope=args.scope, audience=args.audience,
                        assertion_audience=args.assertion_audience, http=_http_from_flags(args),
                        idempotency_header=getattr(args, "idempotency_header", None), dpop=_dpop_from_args(args))


def _dpop_from_args(args: argparse.Namespace) -> Any:
    """OAuth2Client's dpop: the --dpop-key key (PEM, DER or JWK; its passphrase from --dpop-key-passphrase-file
    or -env), True for --dpop alone (a fresh EC P-256 key), else None."""
    path = getattr(args, "dpop_key", None)
    if path is None:
        return True if getattr(args, "dpop", False) else None
    from .cli import _load_key_data
    passphrase = read_secret(args.dpop_key_passphrase_file, args.dpop_key_passphrase_env, "DPoP key passphrase",
                             strip_newline=True)
    return _load_key_data(read_input(path, "DPoP key"), passphrase)


# ---- commands -----------------------------------------------------------------------------------

def _one_token(path: str, what: str) -> str:
    """A token read from a file or stdin ('-'): ASCII, one trailing newline dropped, not empty."""
    data = read_secret(path, None, what, strip_newline=True) or b""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise CliUsageError(f"{what} is not ASCII") from None
    if not text:
        raise CliUsageError(f"{what} is empty")
    return text


def _exchange(args: argparse.Namespace, client: Any, cached: bool = False) -> Any:
    """RFC 8693: the subject (and actor) token from a file or stdin, never from an argument value."""
    if args.subject_token_file is None:
        raise CliUsageError("--exchange needs --subject-token-file FILE ('-' = stdin)")
    if (args.actor_token_file is None) != (args.actor_token_type is None):
        raise CliUsageError("--actor-token-file and --actor-token-type go together")
    if args.subject_token_file == "-" and args.actor_token_file == "-":
        raise CliUsageError("only one of the tokens can come from stdin")
    subject = _one_token(args.subject_token_file, "subject token")
    actor = None
    if args.actor_token_file is not None:
        actor = _one_token(args.actor_token_file, "actor token")
    return client.exchange(subject_token=subject, subject_token_type=args.subject_token_type, actor_token=actor,
                           actor_token_type=args.actor_token_type, requested_token_type=args.requested_token_type,
                           audience=args.exchange_audience, resource=args.resource,
                           scope=args.scope if _uses_flags(args) else None, cached=cached)


def _cmd_token(args: argparse.Namespace) -> int:
    if not args.exchange:
        given = [f for f in ("subject_token_file", "actor_token_file", "actor_token_type", "requested_token_type",
                             "exchange_audience", "resource") if getattr(args, f) is not None]
        if given:
            raise CliUsageError(f"--{given[0].replace('_', '-')} needs --exchange")
    with _oauth2_client(args) as client:
        if args.stats:
            # The token through the client's cache, then what the library counted (never the token).
            if args.exchange:
                _exchange(args, client, cached=True)
            else:
                client.token()
            sys.stdout.write(json.dumps(json.loads(client._stats_json()), indent=2) + "\n")
            return 0
        token = _exchange(args, client) if args.exchange else client.fetch()
    if args.json:
        doc = {"access_token": token.access_token, "token_type": token.token_type,
               "expires_at": int(token.expires_at), "expires_in": int(round(token.expires_in)), "scope": token.scope}
        if args.exchange:
            doc["issued_token_type"] = token.issued_token_type
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        sys.stdout.write(token.access_token + "\n")
    return 0


def _header_arg(text: str) -> Tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise CliUsageError(f"-H wants 'Name: value', not {text!r}")
    return name.strip(), value.strip()


def _data(spec: Optional[str]) -> Optional[bytes]:
    if spec is None:
        return None
    if spec == "-":
        return read_input("-", "data")
    if spec.startswith("@"):
        return read_input(spec[1:], "data")
    return spec.encode("utf-8")


def _cmd_request(args: argparse.Namespace) -> int:
    from .cli import _HttpStatus
    headers: List[Tuple[str, str]] = [_header_arg(h) for h in args.header or ()]
    body = _data(args.data)
    if body is not None and args.content_type and not any(n.lower() == "content-type" for n, _ in headers):
        headers.append(("Content-Type", args.content_type))
    with _oauth2_client(args) as client:
        resp = client.request(args.method, args.url, headers, body)
    out = sys.stdout.buffer
    if args.include:
        reason = _REASONS.get(resp.status, "")
        out.write(f"HTTP/1.1 {resp.status} {reason}".rstrip().encode() + b"\r\n")
        for name, value in resp.headers.items():
            out.write(f"{name}: {value}".encode("utf-8", "replace") + b"\r\n")
        out.write(b"\r\n")
    out.write(resp.body)
    if resp.body and not resp.body.endswith(b"\n") and sys.stdout.isatty():
        out.write(b"\n")
    out.flush()
    if args.fail and resp.status >= 400:
        raise _HttpStatus(resp.status)
    return 0


_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently", 302: "Found",
            304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            409: "Conflict", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}


def _cmd_cert_fingerprint(args: argparse.Namespace) -> int:
    from .certificates import Certificate
    from .senhasegura import cert_fingerprints
    fps = cert_fingerprints(Certificate._from_pem_or_der(read_input(args.file, "certificate")))
    if args.json:
        sys.stdout.write(json.dumps(fps, indent=2) + "\n")
        return 0
    sys.stdout.write(f"SHA-256:             {fps['sha256_colon']}\n"
                     f"SHA-256 (no colons): {fps['sha256']}\n"
                     f"SHA-1:               {fps['sha1_colon']}\n"
                     f"SHA-1 (no colons):   {fps['sha1']}\n")
    return 0


def _a2a_client(args: argparse.Namespace):
    cfg = _config(args)
    if not cfg.has("senhasegura"):
        raise CliUsageError('no A2A client: the configuration has no "senhasegura" section '
                            "(--config FILE or M2MAUTH_CONFIG, or M2MAUTH_SENHASEGURA_* variables)")
    return cfg.a2a_client()


def _print_a2a(args: argparse.Namespace, value: Dict[str, Any]) -> int:
    if args.field:
        cur: Any = value
        for part in args.field.split("."):
            if not isinstance(cur, dict) or part not in cur:
                raise errors.NotFoundError(f"no field {args.field!r} in the answer")
            cur = cur[part]
        sys.stdout.write((cur if isinstance(cur, str) else json.dumps(cur)) + "\n")
    else:
        sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    return 0


def _cmd_a2a(args: argparse.Namespace) -> int:
    with _a2a_client(args) as client:
        if args.a2a_command == "credential":
            value = client.credential(args.id)
        elif args.a2a_command == "info":
            value = client.info(args.id)
        elif args.a2a_command == "ssh-key":
            value = client.ssh_key(args.id)
        elif args.a2a_command == "applications":
            value = client.applications()
        else:
            params: Dict[str, str] = {}
            for p in args.param or ():
                k, sep, v = p.partition("=")
                if not sep or not k:
                    raise CliUsageError(f"--param wants NAME=VALUE, not {p!r}")
                params[k] = v
            value = client.call(args.method, args.path, params or None, decrypt=not args.no_decrypt)
    return _print_a2a(args, value)


def _cmd_config_show(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(_config(args).describe(), indent=2) + "\n")
    return 0


# ---- parsers ------------------------------------------------------------------------------------

def _config_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="configuration file (default: $M2MAUTH_CONFIG)")
    p.add_argument("--no-env", action="store_true", help="ignore the M2MAUTH_* environment variables")


def _client_options(p: argparse.ArgumentParser) -> None:
    _config_options(p)
    g = p.add_argument_group("OAuth 2.0 client from flags (instead of the configuration)")
    g.add_argument("--token-url", metavar="URL", help="token endpoint")
    g.add_argument("--issuer", metavar="URL", help="issuer: find the token endpoint by discovery")
    g.add_argument("--client-id", metavar="ID")
    g.add_argument("--auth-method", choices=["client_secret_basic", "client_secret_post", "client_secret_jwt",
                                             "private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth",
                                             "none"],
                   help="default: client_secret_basic, or private_key_jwt with --private-key")
    s = g.add_mutually_exclusive_group()
    s.add_argument("--client-secret-file", metavar="FILE", help="client secret from FILE (one trailing newline dropped)")
    s.add_argument("--client-secret-env", metavar="VAR", help="client secret from environment variable VAR")
    g.add_argument("--private-key", metavar="FILE",
                   help="private key (PEM, or a PKCS#11 URI pkcs11:...) for private_key_jwt")
    k = g.add_mutually_exclusive_group()
    k.add_argument("--passphrase-file", metavar="FILE", help="passphrase of an encrypted --private-key")
    k.add_argument("--passphrase-env", metavar="VAR", help="passphrase of an encrypted --private-key")
    g.add_argument("--scope", help="space-separated scopes")
    g.add_argument("--audience", help='the "audience" request parameter')
    g.add_argument("--assertion-audience", metavar="AUD", help="client assertion aud (default: the token endpoint)")
    g.add_argument("--dpop", action="store_true",
                   help="DPoP-bound token (RFC 9449): proofs of a fresh EC P-256 key on every request")
    g.add_argument("--dpop-key", metavar="FILE",
                   help="DPoP-bound token with proofs of this private key (PEM, DER or JWK; '-' = stdin); implies --dpop")
    dk = g.add_mutually_exclusive_group()
    dk.add_argument("--dpop-key-passphrase-file", metavar="FILE", help="passphrase of an encrypted --dpop-key")
    dk.add_argument("--dpop-key-passphrase-env", metavar="VAR", help="passphrase of an encrypted --dpop-key")
    h = p.add_argument_group("transport")
    h.add_argument("--ca-file", metavar="FILE", help="CA bundle (PEM) instead of the system store")
    h.add_argument("--client-cert", metavar="FILE", help="mTLS client certificate (PEM)")
    h.add_argument("--client-key", metavar="FILE", help="mTLS client key (default: inside --client-cert)")
    c = h.add_mutually_exclusive_group()
    c.add_argument("--client-key-passphrase-file", metavar="FILE")
    c.add_argument("--client-key-passphrase-env", metavar="VAR")
    h.add_argument("--timeout", type=float, metavar="SECONDS", help="per-request timeout (default 30)")


def _exchange_options(p: argparse.ArgumentParser) -> None:
    x = p.add_argument_group("token exchange (RFC 8693): the tokens come from files or stdin, never from the "
                             "command line; --scope (with client flags) is the exchange's scope")
    x.add_argument("--exchange", action="store_true", help="exchange a subject token instead of client credentials")
    x.add_argument("--subject-token-file", metavar="FILE", help="the subject token ('-' = stdin; one trailing newline "
                   "dropped)")
    x.add_argument("--subject-token-type", metavar="URI", default="urn:ietf:params:oauth:token-type:access_token",
                   help="default urn:ietf:params:oauth:token-type:access_token")
    x.add_argument("--actor-token-file", metavar="FILE", help="an actor token ('-' = stdin)")
    x.add_argument("--actor-token-type", metavar="URI", help="its type (required with --actor-token-file)")
    x.add_argument("--requested-token-type", metavar="URI", help="the issued_token_type must then equal it")
    x.add_argument("--exchange-audience", action="append", metavar="AUD", help='"audience" (repeatable)')
    x.add_argument("--resource", action="append", metavar="URI", help='"resource" (repeatable)')


def add_parsers(sub: Any, epilog: str, fmt: Any) -> None:
    p = sub.add_parser("token", help="get an OAuth 2.0 access token (client credentials)",
                       description="Ask the token endpoint for a token (one request, no cache) and print it, or "
                       "print JSON with --json. The client comes from the flags (--token-url or --issuer) or "
                       'from the configuration\'s "oauth2" section.', epilog=epilog, formatter_class=fmt)
    _client_options(p)
    p.add_argument("--json", action="store_true",
                   help="print {access_token, token_type, expires_at, expires_in, scope} as JSON")
    p.add_argument("--stats", action="store_true",
                   help="get the token through the client's cache and print the cache's stats as JSON instead "
                   "(m2mauth_token_manager_stats_json: requests by outcome, latency, expiry; never the token)")
    _exchange_options(p)
    p.set_defaults(func=_cmd_token)

    p = sub.add_parser("request", help="send an authenticated HTTP request (like curl, with a Bearer token)",
                       description="Send METHOD URL with the OAuth 2.0 client's token (a 401 refetches the token and "
                       "retries once); print the body, or status line, headers and body with -i.",
                       epilog=epilog, formatter_class=fmt)
    p.add_argument("method", metavar="METHOD", help="GET, POST, PUT, DELETE, ...")
    p.add_argument("url", metavar="URL")
    p.add_argument("-H", "--header", action="append", metavar="'NAME: VALUE'", help="request header (repeatable)")
    p.add_argument("-d", "--data", metavar="DATA|@FILE|-", help="request body: text, @FILE, or - for stdin")
    p.add_argument("--content-type", default="application/json",
                   help="Content-Type for --data unless -H gives one (default application/json)")
    p.add_argument("-i", "--include", action="store_true", help="print the status line and headers, as curl -i")
    p.add_argument("-f", "--fail", action="store_true", help="exit 6 for an HTTP status of 400 or more")
    p.add_argument("--idempotency-header", metavar="NAME", help="add NAME: <new UUID> (e.g. IdempotencyKey)")
    _client_options(p)
    p.set_defaults(func=_cmd_request)

    cert = sub.add_parser("cert", help="certificate tools", epilog=epilog, formatter_class=fmt)
    cert_sub = cert.add_subparsers(dest="cert_command", metavar="COMMAND")
    cert_sub.required = True
    p = cert_sub.add_parser("fingerprint", help="SHA-256 and SHA-1 fingerprints, with and without colons",
                            description="Print a certificate's fingerprints in the forms a senhasegura "
                            "administrator registers for certificate validation (mTLS).",
                            epilog=epilog, formatter_class=fmt)
    p.add_argument("file", metavar="CERTFILE", help="certificate: PEM or DER ('-' = stdin)")
    p.add_argument("--json", action="store_true", help='print {"sha256", "sha256_colon", "sha1", "sha1_colon"}')
    p.set_defaults(func=_cmd_cert_fingerprint)

    a2a = sub.add_parser("a2a", help="senhasegura A2A: fetch credentials and secrets (from the configuration)",
                         description='Call the senhasegura A2A API with the configuration\'s "senhasegura" section. '
                         "The answer (JSON, protected fields decrypted) goes to stdout: it holds secrets.",
                         epilog=epilog, formatter_class=fmt)
    a2a_sub = a2a.add_subparsers(dest="a2a_command", metavar="COMMAND")
    a2a_sub.required = True
    for name, helptext, has_id in (("credential", "a credential by id or username@hostname", True),
                                   ("info", "protected information by id", True),
                                   ("ssh-key", "an SSH key by id", True),
                                   ("applications", "the DSM application and its secrets", False)):
        p = a2a_sub.add_parser(name, help=helptext, epilog=epilog, formatter_class=fmt)
        if has_id:
            p.add_argument("id", metavar="ID")
        p.add_argument("--field", metavar="NAME", help="print only this field (dotted path), e.g. password")
        _config_options(p)
        p.set_defaults(func=_cmd_a2a)
    p = a2a_sub.add_parser("call", help="any A2A function: METHOD module/function[/argument]",
                           epilog=epilog, formatter_class=fmt)
    p.add_argument("method", metavar="METHOD", choices=["GET", "POST", "PUT", "DELETE"])
    p.add_argument("path", metavar="PATH", help="e.g. pam/device/1")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", help="query or form parameter (repeatable)")
    p.add_argument("--no-decrypt", action="store_true", help="leave protected fields encrypted")
    p.add_argument("--field", metavar="NAME", help="print only this field (dotted path)")
    _config_options(p)
    p.set_defaults(func=_cmd_a2a)

    cfg = sub.add_parser("config", help="the configuration", epilog=epilog, formatter_class=fmt)
    cfg_sub = cfg.add_subparsers(dest="config_command", metavar="COMMAND")
    cfg_sub.required = True
    p = cfg_sub.add_parser("show", help="print the effective configuration, secrets redacted",
                           description="Print the configuration the library reads (file and M2MAUTH_* variables) as "
                           'JSON, every secret "<redacted>", with "_sources".', epilog=epilog, formatter_class=fmt)
    _config_options(p)
    p.set_defaults(func=_cmd_config_show)
