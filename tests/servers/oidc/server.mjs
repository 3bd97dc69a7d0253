#!/usr/bin/env node
// panva oidc-provider as a loopback OAuth 2.0 peer (test-only).
// client_credentials + introspection + revocation, opaque access tokens, issuer = its own URL.
// Clients come from ../clients.json; private_key_jwt public JWKs are computed from the PEM files it names.
//
// DPoP (RFC 9449) is on, as in oidc-provider's defaults, with ES256/384/512, EdDSA, RS256 and PS256 proofs; with
// --dpop-nonce every DPoP token request must carry the server's current nonce (use_dpop_nonce otherwise).
//
//   node oidc/server.mjs --port 0 --ready-file /tmp/oidc.json [--token-ttl 3600] [--clients clients.json] [--dpop-nonce]

import { randomBytes, generateKeyPairSync, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const SERVERS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_BODY = 64 * 1024;

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'ready-file': { type: 'string' },
    'token-ttl': { type: 'string', default: '3600' },
    clients: { type: 'string', default: join(SERVERS_DIR, 'clients.json') },
    'dpop-nonce': { type: 'boolean', default: false },
  },
});
const tokenTtl = Number.parseInt(args['token-ttl'], 10);

function publicJwk(pemPath) {
  const jwk = createPublicKey(readFileSync(pemPath)).export({ format: 'jwk' });
  return { ...jwk, use: 'sig' };
}

// clients.json -> oidc-provider client metadata
function loadClients(path) {
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  const base = dirname(resolve(path));
  const { scopes, clients } = doc.oauth2;
  const metadata = Object.entries(clients).map(([clientId, c]) => {
    const m = {
      client_id: clientId,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: c.token_endpoint_auth_method,
      scope: c.scope ?? scopes.join(' '),
    };
    if (c.client_secret) m.client_secret = c.client_secret;
    if (c.public_key) m.jwks = { keys: [publicJwk(join(base, c.public_key))] };
    if (c.token_endpoint_auth_method === 'client_secret_jwt' || clientId === 'svc-moneyp') {
      m.token_endpoint_auth_signing_alg = c.alg;
    }
    return m;
  });
  const limits = Object.fromEntries(Object.entries(clients)
    .filter(([, c]) => c.max_scope_length).map(([id, c]) => [id, c.max_scope_length]));
  return { scopes, metadata, limits };
}

function writeReadyFile(path, info) {
  if (!path) return;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2));
  renameSync(tmp, path);
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Scope policy on the token endpoint, before oidc-provider sees the request: every scope must be one the
// server knows, and a client with max_scope_length (svc-moneyp: 300, as the BMP API) cannot ask for more.
// The body is read here and handed on through req.body, which oidc-provider accepts.
function scopePolicy(tokenPath, scopes, limits) {
  const known = new Set(scopes);
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== tokenPath || !ctx.is('application/x-www-form-urlencoded')) {
      return next();
    }
    const raw = await readBody(ctx.req);
    ctx.req.body = raw;
    const form = new URLSearchParams(raw);
    const scope = form.get('scope');
    if (scope !== null) {
      const clientId = form.get('client_id') ?? basicClientId(ctx.get('authorization')) ?? assertionSub(form);
      const limit = limits[clientId] ?? 0;
      let problem;
      if (limit && scope.length > limit) problem = `scope longer than ${limit} characters`;
      else if (scope.split(' ').some((s) => s && !known.has(s))) problem = 'requested scope is not allowed';
      if (problem) {
        ctx.status = 400;
        ctx.set('cache-control', 'no-store');
        ctx.body = { error: 'invalid_scope', error_description: problem };
        return undefined;
      }
    }
    return next();
  };
}

function basicClientId(header) {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const idx = decoded.indexOf(':');
  try {
    return idx < 0 ? undefined : decodeURIComponent(decoded.slice(0, idx).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function assertionSub(form) {
  const jwt = form.get('client_assertion');
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')).sub;
  } catch {
    return undefined;
  }
}

function signingKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test-rs256' }] };
}

const { scopes, metadata, limits } = loadClients(args.clients);
const server = createServer();

server.listen(Number.parseInt(args.port, 10), HOST, () => {
  const { port } = server.address();
  const issuer = `http://${HOST}:${port}`;
  const provider = new Provider(issuer, {
    clients: metadata,
    scopes: ['openid', 'offline_access', ...scopes],
    jwks: signingKeys(),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // the dedicated introspection client may introspect anything; other clients only their own tokens
        allowedPolicy: async (ctx, client, token) => client.clientId === 'introspector'
          || token.clientId === client.clientId,
      },
      revocation: { enabled: true },
      dPoP: {
        enabled: true,
        nonceSecret: randomBytes(32),
        requireNonce: () => args['dpop-nonce'],
      },
    },
    enabledJWA: { dPoPSigningAlgValues: ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] },
    ttl: { ClientCredentials: tokenTtl },
    routes: { token: '/token', introspection: '/token/introspection', revocation: '/token/revocation' },
  });
  provider.use(scopePolicy('/token', scopes, limits));
  server.on('request', provider.callback());
  writeReadyFile(args['ready-file'], {
    url: issuer,
    port,
    pid: process.pid,
    issuer,
    token_endpoint: `${issuer}/token`,
    introspection_endpoint: `${issuer}/token/introspection`,
    revocation_endpoint: `${issuer}/token/revocation`,
    discovery_url: `${issuer}/.well-known/openid-configuration`,
    jwks_uri: `${issuer}/jwks`,
    token_ttl: tokenTtl,
    dpop_nonce: args['dpop-nonce'],
    clients: metadata.map((m) => m.client_id),
  });
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
