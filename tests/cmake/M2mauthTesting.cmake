# How every C++ test executable is made (tests/*/CMakeLists.txt call this, nothing else):
#
#   m2mauth_add_doctest(<target>
#     LIBRARY core|shared          link the static core (m2mauth_core) or the shipped libm2mauth.so
#     SOURCES <file>...            the suite's test files (the doctest main is shared, not listed)
#     [TEST_PREFIX <prefix>]       one CTest test per TEST_CASE, named <prefix><test case>
#     [TEST_NAME <name>]           or one CTest test running the whole executable
#     [LABELS <label>...]          CTest labels of the test(s)
#     [PROPERTIES <prop> <value>...]  more CTest properties (TIMEOUT, ENVIRONMENT, FIXTURES_REQUIRED ...)
#     [LINK <lib>...] [INCLUDE_DIRS <dir>...] [DEFINITIONS <def>...])
#
# Every test executable gets the one doctest main (tests/support/doctest_main.cpp), the project's
# warnings (m2mauth::warnings), tests/support on its include path, and M2MAUTH_SOURCE_DIR and
# M2MAUTH_VECTORS_DIR defined (tests read files of this repository only).
include_guard(GLOBAL)
find_package(doctest REQUIRED)
include(doctest)

set(M2MAUTH_TEST_SUPPORT_DIR "${PROJECT_SOURCE_DIR}/tests/support")
set(M2MAUTH_VECTORS_DIR "${PROJECT_SOURCE_DIR}/tests/vectors")

if(NOT TARGET m2mauth_doctest_main)
  add_library(m2mauth_doctest_main STATIC "${M2MAUTH_TEST_SUPPORT_DIR}/doctest_main.cpp")
  target_link_libraries(m2mauth_doctest_main PUBLIC doctest::doctest PRIVATE m2mauth::warnings)
endif()

function(m2mauth_add_doctest target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "LIBRARY;TEST_PREFIX;TEST_NAME"
                        "SOURCES;LABELS;PROPERTIES;LINK;INCLUDE_DIRS;DEFINITIONS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "m2mauth_add_doctest(${target}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(arg_LIBRARY STREQUAL "core")
    set(_lib m2mauth_core)
  elseif(arg_LIBRARY STREQUAL "shared")
    set(_lib m2mauth::m2mauth)
  else()
    message(FATAL_ERROR "m2mauth_add_doctest(${target}): LIBRARY must be core or shared")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "m2mauth_add_doctest(${target}): no SOURCES")
  endif()
  if((arg_TEST_PREFIX AND arg_TEST_NAME) OR (NOT arg_TEST_PREFIX AND NOT arg_TEST_NAME))
    message(FATAL_ERROR "m2mauth_add_doctest(${target}): give one of TEST_PREFIX or TEST_NAME")
  endif()

  add_executable(${target} ${arg_SOURCES})
  target_include_directories(${target} PRIVATE "${M2MAUTH_TEST_SUPPORT_DIR}" ${arg_INCLUDE_DIRS})
  target_compile_definitions(${target} PRIVATE
    M2MAUTH_SOURCE_DIR="${PROJECT_SOURCE_DIR}" M2MAUTH_VECTORS_DIR="${M2MAUTH_VECTORS_DIR}" ${arg_DEFINITIONS})
  target_link_libraries(${target} PRIVATE ${_lib} m2mauth_doctest_main m2mauth::warnings cjson ${arg_LINK})

  if(arg_TEST_PREFIX)
    # Each TEST_CASE becomes a CTest test named after it, and CTest splits a name at ';': such a case
    # would become two names that match nothing and always "pass". Refuse it here.
    foreach(_src IN LISTS arg_SOURCES)
      get_filename_component(_path "${_src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      file(READ "${_path}" _text)
      string(REGEX MATCH "TEST_CASE[A-Z_]*\\([^\n]*\"[^\"\n]*;[^\"\n]*\"" _bad "${_text}")
      if(_bad)
        message(FATAL_ERROR "${_src}: a test case name holds ';', which CTest splits (use ':' or ','): ${_bad}")
      endif()
    endforeach()
    # LABELS is passed quoted: its value is a list, which must stay one argument.
    doctest_discover_tests(${target} TEST_PREFIX "${arg_TEST_PREFIX}"
                           PROPERTIES LABELS "${arg_LABELS}" ${arg_PROPERTIES})
  else()
    add_test(NAME ${arg_TEST_NAME} COMMAND ${target})
    if(arg_LABELS)
      set_tests_properties(${arg_TEST_NAME} PROPERTIES LABELS "${arg_LABELS}")
    endif()
    if(arg_PROPERTIES)
      set_tests_properties(${arg_TEST_NAME} PROPERTIES ${arg_PROPERTIES})
    endif()
  endif()
endfunction()
