/*
 * telemetry.i: telemetry.h. The languages read the metrics as the library's JSON and install their
 * tracer through glue.i's m2mauth_glue_set_tracer, whose trampolines pass each span record's JSON, so
 * the C structs never cross SWIG.
 */
M2MAUTH_TEXT(m2mauth_telemetry_metrics_json)
%include "m2mauth/telemetry.h"
