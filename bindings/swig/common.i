/*
 * common.i: common.h and errors.h. Java's status gate reads the error record in C (java.i); Go reads it
 * through m2mauth_error_last() on the same OS thread (go.i), so only Go wraps the record.
 */
M2MAUTH_VALUE(m2mauth_version_number)
M2MAUTH_VALUE(m2mauth_version_compatible)
M2MAUTH_VALUE(m2mauth_version_string)
M2MAUTH_VALUE(m2mauth_version_details)
M2MAUTH_VALUE(m2mauth_error_name)
M2MAUTH_VALUE(m2mauth_error_code_is_transient)
M2MAUTH_VALUE(m2mauth_error_category)
M2MAUTH_VALUE(m2mauth_error_category_name)

#if defined(SWIGGO)
M2MAUTH_VALUE(m2mauth_error_last)
M2MAUTH_VALUE(m2mauth_error_is_transient)
M2MAUTH_VALUE(m2mauth_error_clear)
%rename(ErrorRecord) m2mauth_error;
%immutable m2mauth_error::code;
%immutable m2mauth_error::message;
%immutable m2mauth_error::transient;
%immutable m2mauth_error::http_status;
%immutable m2mauth_error::oauth_error;
%immutable m2mauth_error::oauth_error_description;
%immutable m2mauth_error::oauth_error_uri;
%immutable m2mauth_error::vendor_code;
%immutable m2mauth_error::retry_after_ms;
%rename("%s") m2mauth_error::code;
%rename("%s") m2mauth_error::message;
%rename("%s") m2mauth_error::transient;
%rename("%s") m2mauth_error::http_status;
%rename("%s") m2mauth_error::oauth_error;
%rename("%s") m2mauth_error::oauth_error_description;
%rename("%s") m2mauth_error::oauth_error_uri;
%rename("%s") m2mauth_error::vendor_code;
%rename("%s") m2mauth_error::retry_after_ms;
%nodefaultctor m2mauth_error;
%nodefaultdtor m2mauth_error;
#endif

%include "m2mauth/common.h"
%include "m2mauth/errors.h"
