/*
 * call.i: call.h, the cancel handle. The per-call options struct is not crossed: glue.i takes its
 * values as arguments (m2mauth_glue_*_with).
 */
M2MAUTH_NEW(m2mauth_cancel_new, m2mauth_cancel)
M2MAUTH_VALUE(m2mauth_cancel_request)
M2MAUTH_VALUE(m2mauth_cancel_is_requested)

%include "m2mauth/call.h"
