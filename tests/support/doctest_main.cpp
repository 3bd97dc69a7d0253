// The one doctest runner of every C++ test executable (tests/cmake/M2mauthTesting.cmake links it).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
