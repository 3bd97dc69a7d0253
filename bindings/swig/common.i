/* common.i: common.h and errors.h. Error records are read by the status gate, not wrapped. */
M2MAUTH_VALUE(m2mauth_version_number)
M2MAUTH_VALUE(m2mauth_version_string)
M2MAUTH_VALUE(m2mauth_version_details)
M2MAUTH_VALUE(m2mauth_error_name)
M2MAUTH_VALUE(m2mauth_error_code_is_transient)

%include "m2mauth/common.h"
%include "m2mauth/errors.h"
