/*
 * token_stats.i: token_stats.h. The languages read every key's stats as the library's JSON
 * (m2mauth_token_manager_stats_json) and build their own value class from it, so the C struct (with its
 * fixed arrays) never crosses SWIG.
 */
M2MAUTH_TEXT(m2mauth_token_manager_stats_json)
M2MAUTH_TEXT(m2mauth_token_manager_stats_for_json)
M2MAUTH_OPTIONAL_TEXT(scope)
M2MAUTH_OPTIONAL_TEXT(audience)
M2MAUTH_OPTIONAL_TEXT(resource)
%include "m2mauth/token_stats.h"
M2MAUTH_OPTIONAL_TEXT_END(scope)
M2MAUTH_OPTIONAL_TEXT_END(audience)
M2MAUTH_OPTIONAL_TEXT_END(resource)
