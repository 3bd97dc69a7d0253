# One set of warnings for every target the project compiles (core, C API, tests, benchmarks, examples,
# the Python module): link `m2mauth::warnings` PRIVATE. Flags per language through generator
# expressions, so a target with C and C++ sources gets the right set for each file.
#
#   -DM2MAUTH_WERROR=ON   turns every warning into an error (.ci/test and .ci/sanitize do).
#
# Third-party headers (OpenSSL, libcurl, cJSON, doctest, pybind11) come from imported targets, which
# CMake marks SYSTEM, so their own warnings do not fail our build.
option(M2MAUTH_WERROR "Treat compiler warnings as errors" OFF)

add_library(m2mauth_warnings INTERFACE)
add_library(m2mauth::warnings ALIAS m2mauth_warnings)

set(_m2mauth_warn_common -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wcast-qual -Wformat=2 -Wundef)
# C: -Wconversion includes the sign conversions; prototypes are required.
set(_m2mauth_warn_c -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition)
# C++: -Wconversion leaves out sign conversions (-Wsign-conversion): std::size_t against the int
# lengths of OpenSSL's and libcurl's C interfaces would need a cast on nearly every call, each one
# hiding rather than checking; range checks are written where a value crosses (capi, core/src/base).
set(_m2mauth_warn_cxx -Wnon-virtual-dtor -Woverloaded-virtual -Wextra-semi)

target_compile_options(m2mauth_warnings INTERFACE
  "$<$<COMPILE_LANGUAGE:C,CXX>:${_m2mauth_warn_common}>"
  "$<$<COMPILE_LANGUAGE:C>:${_m2mauth_warn_c}>"
  "$<$<COMPILE_LANGUAGE:CXX>:${_m2mauth_warn_cxx}>"
  "$<$<BOOL:${M2MAUTH_WERROR}>:-Werror>")
