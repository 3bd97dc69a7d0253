# The library's SONAME is the expected one (SOVERSION = major ABI, README "ABI policy").
#   cmake -DREADELF=<readelf> -DLIBRARY=<libm2mauth.so> -DSONAME=libm2mauth.so.<n> -P check_soname.cmake
execute_process(COMMAND "${READELF}" -d "${LIBRARY}" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf failed on ${LIBRARY}")
endif()
if(NOT out MATCHES "\\(SONAME\\)[^\n]*\\[${SONAME}\\]")
  message(FATAL_ERROR "SONAME of ${LIBRARY} is not ${SONAME}:\n${out}")
endif()
message(STATUS "SONAME is ${SONAME}")
