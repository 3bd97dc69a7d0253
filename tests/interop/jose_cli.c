/*
 * m2mauth_jose_cli: the C API as a line protocol, for the interop tests (test_interop.py).
 *
 * Each line of standard input is one JSON request, answered by one JSON line on standard output.
 * A key is {"jwk": {...}} or {"pem": "...", "passphrase": "..."} (PEM or any text m2mauth loads).
 *
 *   {"op":"sign", "key":K, "payload":"text", "alg":"RS256", "kid":"k1", "typ":"JWT"}  -> {"token":...}
 *   {"op":"sign_jwt", "key":K, "claims":{...}, "alg":"ES256"}                        -> {"token":...}
 *   {"op":"verify", "key":K, "token":"...", "algs":["RS256"]}                        -> {"payload":...}
 *   {"op":"verify_jwt", "key":K, "token":"...", "algs":[...], "now":1700000000,
 *    "leeway":0, "issuer":"i", "audience":["a"]}                                     -> {"claims":{...},"header":{...}}
 *   {"op":"export", "key":K}      -> {"public_jwk":{...}|null, "private_jwk":{...}|null, "thumbprint":...,
 *                                     "public_pem":...|null, "kty":..., "bits":...}
 *   {"op":"generate", "kty":"RSA"|"EC"|"OKP"|"oct", "bits":2048, "crv":"P-256", "size":32}
 *                                 -> the "export" answer plus "private_pem" (PKCS#8; null for oct)
 *
 * A failure answers {"error":"<m2mauth_error_name>", "message":"..."}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <m2mauth/m2mauth.h>

static cJSON *failure(int status) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "error", m2mauth_error_name(status));
  cJSON_AddStringToObject(r, "message", m2mauth_error_last()->message);
  return r;
}

static const char *text(const cJSON *o, const char *name) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(m) ? m->valuestring : NULL;
}

static int load_key(m2mauth_key **out, const cJSON *spec) {
  const cJSON *jwk = cJSON_GetObjectItemCaseSensitive(spec, "jwk");
  if (jwk != NULL) {
    char *s = cJSON_PrintUnformatted(jwk);
    int rc = m2mauth_key_from_jwk(out, s);
    cJSON_free(s);
    return rc;
  }
  const char *pem = text(spec, "pem");
  if (pem == NULL) return m2mauth_key_from_jwk(out, NULL); /* EINVAL with the error record set */
  return m2mauth_key_from_pem(out, (const uint8_t *)pem, strlen(pem), text(spec, "passphrase"));
}

static int allow_list(uint32_t *out, const cJSON *algs) {
  *out = 0;
  const cJSON *a;
  cJSON_ArrayForEach(a, algs) {
    int alg = 0;
    int rc = m2mauth_alg_from_name(&alg, cJSON_IsString(a) ? a->valuestring : "");
    if (rc != M2MAUTH_OK) return rc;
    *out |= m2mauth_alg_bit(alg);
  }
  return M2MAUTH_OK;
}

/* Adds buf (JSON text) to r as a parsed member, or null. */
static void add_json(cJSON *r, const char *name, const m2mauth_buf *buf, int status) {
  if (status == M2MAUTH_OK) cJSON_AddItemToObject(r, name, cJSON_Parse((const char *)buf->ptr));
  else cJSON_AddNullToObject(r, name);
}

static cJSON *export_key(const m2mauth_key *key) {
  m2mauth_buf pub = M2MAUTH_BUF_INIT, priv = M2MAUTH_BUF_INIT, tp = M2MAUTH_BUF_INIT, pem = M2MAUTH_BUF_INIT;
  int rc = m2mauth_key_thumbprint(&tp, key);
  if (rc != M2MAUTH_OK) return failure(rc);
  cJSON *r = cJSON_CreateObject();
  static const char *kty[] = {"", "RSA", "EC", "OKP", "oct"};
  cJSON_AddStringToObject(r, "kty", kty[m2mauth_key_type_of(key)]);
  cJSON_AddNumberToObject(r, "bits", m2mauth_key_bits(key));
  cJSON_AddStringToObject(r, "thumbprint", (const char *)tp.ptr);
  add_json(r, "public_jwk", &pub, m2mauth_key_public_jwk(&pub, key, NULL, NULL));
  add_json(r, "private_jwk", &priv, m2mauth_key_has_private(key) ? m2mauth_key_private_jwk(&priv, key) : M2MAUTH_ENOPRIVATE);
  if (m2mauth_key_public_pem(&pem, key) == M2MAUTH_OK) cJSON_AddStringToObject(r, "public_pem", (const char *)pem.ptr);
  else cJSON_AddNullToObject(r, "public_pem");
  m2mauth_buf_dispose(&pub);
  m2mauth_buf_dispose(&priv);
  m2mauth_buf_dispose(&tp);
  m2mauth_buf_dispose(&pem);
  return r;
}

static int64_t fixed_clock(void *payload) { return *(const int64_t *)payload; }

static cJSON *handle(const cJSON *req) {
  const char *op = text(req, "op");
  m2mauth_key *key = NULL;
  m2mauth_buf out = M2MAUTH_BUF_INIT;
  cJSON *r = NULL;
  int rc;
  if (op == NULL) return failure(m2mauth_alg_from_name(&rc, NULL));

  if (strcmp(op, "generate") == 0) {
    const char *kty = text(req, "kty");
    const cJSON *bits = cJSON_GetObjectItemCaseSensitive(req, "bits"), *size = cJSON_GetObjectItemCaseSensitive(req, "size");
    if (kty != NULL && strcmp(kty, "RSA") == 0) rc = m2mauth_key_generate_rsa(&key, bits ? (unsigned)bits->valuedouble : 2048u);
    else if (kty != NULL && strcmp(kty, "EC") == 0) rc = m2mauth_key_generate_ec(&key, text(req, "crv"));
    else if (kty != NULL && strcmp(kty, "OKP") == 0) rc = m2mauth_key_generate_ed25519(&key);
    else rc = m2mauth_key_generate_hmac(&key, size ? (size_t)size->valuedouble : 32u);
    if (rc != M2MAUTH_OK) return failure(rc);
    r = export_key(key);
    if (m2mauth_key_private_pem(&out, key, NULL) == M2MAUTH_OK) cJSON_AddStringToObject(r, "private_pem", (const char *)out.ptr);
    else cJSON_AddNullToObject(r, "private_pem");
    goto done;
  }

  rc = load_key(&key, cJSON_GetObjectItemCaseSensitive(req, "key"));
  if (rc != M2MAUTH_OK) return failure(rc);

  if (strcmp(op, "export") == 0) {
    r = export_key(key);
  } else if (strcmp(op, "sign") == 0 || strcmp(op, "sign_jwt") == 0) {
    m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
    if (text(req, "alg") != NULL) {
      rc = m2mauth_alg_from_name(&h.alg, text(req, "alg"));
      if (rc != M2MAUTH_OK) {
        r = failure(rc);
        goto done;
      }
    }
    h.kid = text(req, "kid");
    h.typ = text(req, "typ");
    if (strcmp(op, "sign") == 0) {
      const char *payload = text(req, "payload");
      rc = m2mauth_jws_sign(&out, key, (const uint8_t *)payload, payload ? strlen(payload) : 0, &h);
    } else {
      char *claims = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(req, "claims"));
      rc = m2mauth_jwt_sign_json(&out, key, claims, &h);
      cJSON_free(claims);
    }
    if (rc != M2MAUTH_OK) {
      r = failure(rc);
    } else {
      r = cJSON_CreateObject();
      cJSON_AddStringToObject(r, "token", (const char *)out.ptr);
    }
  } else if (strcmp(op, "verify") == 0) {
    uint32_t algs;
    rc = allow_list(&algs, cJSON_GetObjectItemCaseSensitive(req, "algs"));
    if (rc == M2MAUTH_OK) rc = m2mauth_jws_verify(&out, key, text(req, "token"), algs);
    if (rc != M2MAUTH_OK) {
      r = failure(rc);
    } else {
      r = cJSON_CreateObject();
      cJSON_AddStringToObject(r, "payload", (const char *)out.ptr);
    }
  } else if (strcmp(op, "verify_jwt") == 0) {
    uint32_t algs;
    m2mauth_verifier *v = NULL;
    m2mauth_claims *claims = NULL;
    const cJSON *now = cJSON_GetObjectItemCaseSensitive(req, "now"), *leeway = cJSON_GetObjectItemCaseSensitive(req, "leeway");
    const cJSON *aud;
    int64_t now_ms = now ? (int64_t)now->valuedouble * 1000 : 0;
    rc = allow_list(&algs, cJSON_GetObjectItemCaseSensitive(req, "algs"));
    if (rc == M2MAUTH_OK) rc = m2mauth_verifier_new(&v, key, algs);
    if (rc == M2MAUTH_OK && now != NULL) rc = m2mauth_verifier_set_clock(v, fixed_clock, &now_ms, NULL);
    if (rc == M2MAUTH_OK && leeway != NULL) rc = m2mauth_verifier_set_leeway(v, (int64_t)leeway->valuedouble);
    if (rc == M2MAUTH_OK && text(req, "issuer") != NULL) rc = m2mauth_verifier_set_issuer(v, text(req, "issuer"));
    cJSON_ArrayForEach(aud, cJSON_GetObjectItemCaseSensitive(req, "audience")) {
      if (rc == M2MAUTH_OK) rc = m2mauth_verifier_add_audience(v, aud->valuestring);
    }
    if (rc == M2MAUTH_OK) rc = m2mauth_verifier_verify(&claims, v, text(req, "token"));
    if (rc != M2MAUTH_OK) {
      r = failure(rc);
    } else {
      r = cJSON_CreateObject();
      add_json(r, "claims", &out, m2mauth_claims_to_json(&out, claims));
      add_json(r, "header", &out, m2mauth_claims_header_json(&out, claims));
    }
    m2mauth_claims_free(claims);
    m2mauth_verifier_free(v);
  } else {
    r = failure(m2mauth_alg_from_name(&rc, NULL));
  }
done:
  m2mauth_buf_dispose(&out);
  m2mauth_key_free(key);
  return r;
}

int main(void) {
  static char line[1 << 22];
  while (fgets(line, sizeof line, stdin) != NULL) {
    cJSON *req = cJSON_Parse(line);
    cJSON *r = req != NULL ? handle(req) : failure(M2MAUTH_EMALFORMED);
    char *s = cJSON_PrintUnformatted(r);
    puts(s);
    fflush(stdout);
    cJSON_free(s);
    cJSON_Delete(r);
    cJSON_Delete(req);
  }
  return 0;
}
