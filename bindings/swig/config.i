/*
 * config.i: config.h, the configuration every language reads the same way, and the builders of
 * transports, token clients, token managers and A2A clients from it. The C library parses; the
 * languages only carry the handle. describe() and get() never return a secret, so they cross as text.
 */
M2MAUTH_NEW(m2mauth_config_load, m2mauth_config)
M2MAUTH_NEW(m2mauth_config_from_json, m2mauth_config)
M2MAUTH_TEXT(m2mauth_config_describe)
M2MAUTH_TEXT(m2mauth_config_get)
M2MAUTH_VALUE(m2mauth_config_has)

M2MAUTH_NEW(m2mauth_http_new_from_config, m2mauth_http)
M2MAUTH_NEW(m2mauth_token_client_new_from_config, m2mauth_token_client)
M2MAUTH_NEW(m2mauth_token_manager_new_from_config, m2mauth_token_manager)
M2MAUTH_NEW(m2mauth_a2a_new_from_config, m2mauth_a2a)

/* NULL allowed: the path ($M2MAUTH_CONFIG, or none). The JSON text may hold secrets: it crosses as bytes
   the caller can wipe (Java byte[], Go []byte), and the native copy is wiped. */
M2MAUTH_OPTIONAL_TEXT(path)
M2MAUTH_SECRET_BYTES(json)
%include "m2mauth/config.h"
M2MAUTH_OPTIONAL_TEXT_END(path)
M2MAUTH_SECRET_BYTES_END(json)
