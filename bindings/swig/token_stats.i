/*
 * token_stats.i: token_stats.h. The languages read every key's stats as the library's JSON
 * (m2mauth_token_manager_stats_json) and build their own value class from it, so the C struct (with its
 * fixed arrays) never crosses SWIG.
 */
M2MAUTH_TEXT(m2mauth_token_manager_stats_json)
%include "m2mauth/token_stats.h"
