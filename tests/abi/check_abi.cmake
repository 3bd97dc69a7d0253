# The ABI of libm2mauth.so (types and functions as DWARF describes them, not only symbol names) against
# the checked-in baseline tests/abi/m2mauth.abi, with libabigail (Debian package abigail-tools).
#   cmake -DABIDW=<abidw> -DABIDIFF=<abidiff> -DLIBRARY=<libm2mauth.so> -DHEADERS=<capi/include/m2mauth>
#         -DBASELINE=<m2mauth.abi> -DWORK=<dir> [-DUPDATE=ON] -P check_abi.cmake
# The dump leaves out everything that changes without the ABI changing (paths, source locations, the
# architecture, DT_NEEDED) and keeps only the exported functions and the types the public headers
# declare that they use (not the core's C++ internals), so it is stable across
# machines and rebuilds. UPDATE=ON rewrites the baseline instead (target m2mauth_update_abi).
if(NOT ABIDW OR NOT ABIDIFF)
  # CTest reports this test as skipped on this message (SKIP_REGULAR_EXPRESSION); CI installs the tools.
  message(STATUS "abi.abidiff SKIPPED: abidw/abidiff not installed (Debian package abigail-tools)")
  return()
endif()
set(_opts --no-corpus-path --no-comp-dir-path --no-show-locs --no-architecture --no-elf-needed
          --type-id-style hash --exported-interfaces-only --headers-dir "${HEADERS}" --drop-private-types)
file(MAKE_DIRECTORY "${WORK}")
set(_current "${WORK}/m2mauth.abi")
execute_process(COMMAND "${ABIDW}" ${_opts} --out-file "${_current}" "${LIBRARY}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "abidw failed on ${LIBRARY} (${rc}):\n${out}${err}")
endif()
file(READ "${_current}" _dump)
if(NOT _dump MATCHES "<function-decl name='m2mauth_")
  message(FATAL_ERROR "the ABI dump of ${LIBRARY} holds no m2mauth_ function: built without debug information (-g)?")
endif()

if(UPDATE)
  file(COPY_FILE "${_current}" "${BASELINE}")
  message(STATUS "wrote ${BASELINE}: review `git diff` and commit it (tests/abi/README.md)")
  return()
endif()

execute_process(COMMAND "${ABIDIFF}" --no-architecture "${BASELINE}" "${_current}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
# abidiff's status is a bit set: 1 error, 2 usage error, 4 ABI change, 8 incompatible ABI change.
if(rc EQUAL 0)
  message(STATUS "the ABI of ${LIBRARY} matches ${BASELINE}")
  return()
endif()
if(NOT rc MATCHES "^[0-9]+$" OR rc LESS 4 OR rc GREATER 15)
  message(FATAL_ERROR "abidiff failed (${rc}):\n${out}${err}")
endif()
math(EXPR _incompatible "${rc} & 8")
if(_incompatible)
  set(_what "an INCOMPATIBLE ABI change: it needs a SOVERSION bump (README, \"ABI policy\") and a new baseline in the same commit")
else()
  set(_what "a compatible ABI change (an addition): record it in the baseline")
endif()
message(FATAL_ERROR "libm2mauth.so differs from ${BASELINE}, ${_what}.\n"
  "Rewrite the baseline with `cmake --build <build> --target m2mauth_update_abi` (tests/abi/README.md).\n${out}${err}")
