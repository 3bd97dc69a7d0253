# Compiles one translation unit at test time and fails on any diagnostic.
#   cmake -DCOMPILER=<cc> -DLANG=c|c++ -DSTD=<std> -DINCLUDE=<dir> -DSOURCE=<file> [-DHEADER=<name>] -P compile.cmake
# With HEADER, the source is a file that includes only <m2mauth/HEADER> (each header must stand alone).
if(DEFINED HEADER)
  string(MD5 _compiler_id "${COMPILER}")
  set(SOURCE "${CMAKE_CURRENT_BINARY_DIR}/headertest_${HEADER}_${STD}_${_compiler_id}.${LANG}")
  string(REPLACE "+" "x" SOURCE "${SOURCE}")
  file(WRITE "${SOURCE}" "#include <m2mauth/${HEADER}>\n#include <m2mauth/${HEADER}>\nint headertest_unit;\n")
endif()
execute_process(
  COMMAND "${COMPILER}" -x ${LANG} -std=${STD} -Wall -Wextra -pedantic -Werror -I "${INCLUDE}" -c "${SOURCE}" -o /dev/null
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${COMPILER} -std=${STD} failed on ${SOURCE}:\n${out}${err}")
endif()
message(STATUS "${COMPILER} -std=${STD}: ${SOURCE} compiles cleanly")
