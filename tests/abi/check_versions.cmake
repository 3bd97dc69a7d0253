# The version is defined once, in capi/include/m2mauth/common.h (M2MAUTH_VERSION_MAJOR/MINOR/PATCH).
# Files that must carry a copy of it check out here:
#   - M2MAUTH_VERSION_STRING in common.h spells the three numbers (pyproject.toml reads it);
#   - the Maven POMs' default ${revision} (bindings/java/pom.xml, examples/java/pom.xml): CMake and the
#     tests pass -Drevision, the default is what a plain `mvn install` uses.
#   cmake -DSOURCE_DIR=<repository> [-DUPDATE=ON] -P check_versions.cmake
# UPDATE=ON rewrites the POM defaults from common.h (target m2mauth_update_versions).
file(READ "${SOURCE_DIR}/capi/include/m2mauth/common.h" header)
foreach(part MAJOR MINOR PATCH)
  if(NOT header MATCHES "#define M2MAUTH_VERSION_${part} +([0-9]+)")
    message(FATAL_ERROR "common.h defines no M2MAUTH_VERSION_${part}")
  endif()
  set(${part} "${CMAKE_MATCH_1}")
endforeach()
set(version "${MAJOR}.${MINOR}.${PATCH}")
set(problems "")
if(NOT header MATCHES "#define M2MAUTH_VERSION_STRING \"${version}\"")
  list(APPEND problems "common.h: M2MAUTH_VERSION_STRING is not \"${version}\"")
endif()

foreach(pom bindings/java/pom.xml examples/java/pom.xml)
  file(READ "${SOURCE_DIR}/${pom}" text)
  if(NOT text MATCHES "<revision>([^<]*)</revision>")
    list(APPEND problems "${pom}: no <revision> property")
    continue()
  endif()
  if(CMAKE_MATCH_1 STREQUAL version)
    continue()
  endif()
  if(UPDATE)
    string(REGEX REPLACE "<revision>[^<]*</revision>" "<revision>${version}</revision>" text "${text}")
    file(WRITE "${SOURCE_DIR}/${pom}" "${text}")
    message(STATUS "${pom}: revision ${version}")
  else()
    list(APPEND problems "${pom}: default revision ${CMAKE_MATCH_1}, common.h says ${version} (target m2mauth_update_versions)")
  endif()
endforeach()

if(problems)
  string(REPLACE ";" "\n  " text "${problems}")
  message(FATAL_ERROR "version copies disagree with capi/include/m2mauth/common.h:\n  ${text}")
endif()
message(STATUS "every copy of the version is ${version}")
