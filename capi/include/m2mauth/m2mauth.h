/*
 * m2mauth.h: the umbrella header. Include this one.
 *
 * m2mauth authenticates services to other services' APIs: keys and JWK, JWS and JWT, OAuth 2.0 client
 * authentication and token management, OAuth 1.0 request signing and the senhasegura A2A API, one
 * implementation shared by C, C++, Python, Java and Go.
 */
#ifndef M2MAUTH_H
#define M2MAUTH_H

#include "common.h"
#include "errors.h"
#include "call.h"
#include "util.h"
#include "key.h"
#include "cert.h"
#include "jws.h"
#include "jwt.h"
#include "request.h"
#include "oauth1.h"
#include "http.h"
#include "oauth2.h"
#include "cache.h"
#include "dpop.h"
#include "token_exchange.h"
#include "telemetry.h"
#include "token_stats.h"
#include "senhasegura.h"
#include "config.h"
#include "testing.h"

#endif /* M2MAUTH_H */
