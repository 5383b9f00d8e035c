# Helpers shared by every folder: one library, test or binary per call, built
# with the project's warning flags and registered with ctest.
include(GoogleTest)

set(BUDGETPERF_SOURCE_DIR ${CMAKE_SOURCE_DIR})

option(BUDGETPERF_WERROR
  "Treat warnings in the project's own code as errors (packagers building with a newer compiler may turn this off)"
  ON)

# budgetperf_warnings(target)
#
# The warning flags of the project's own code: -Wall -Wextra, -Werror unless
# BUDGETPERF_WERROR is off, and clang's -Wthread-safety (the checks behind
# ABSL_GUARDED_BY). Generated code (the .pb.cc of proto/, the records protos,
# the bench echo proto) is never built with them; its headers are included as
# system headers.
function(budgetperf_warnings TARGET)
  target_compile_options(${TARGET} PRIVATE
    -Wall -Wextra
    $<$<BOOL:${BUDGETPERF_WERROR}>:-Werror>
    $<$<CXX_COMPILER_ID:Clang>:-Wthread-safety>)
endfunction()

# budgetperf_cc_library(NAME x SRCS a.cc b.cc DEPS lib1 lib2
#                       [PRIVATE_DEPS lib3] [DEFINES NAME="value"] [INTERFACE])
#
# Creates budgetperf_x with the alias budgetperf::x: the repo root on its
# public include path, DEPS linked publicly, PRIVATE_DEPS privately, DEFINES
# as private compile definitions, the warning flags on its sources.
# INTERFACE makes a header-only library (no SRCS; DEPS become its interface).
function(budgetperf_cc_library)
  cmake_parse_arguments(L "INTERFACE" "NAME" "SRCS;DEPS;PRIVATE_DEPS;DEFINES" ${ARGN})
  set(target budgetperf_${L_NAME})
  if(L_INTERFACE)
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${BUDGETPERF_SOURCE_DIR})
    target_link_libraries(${target} INTERFACE ${L_DEPS})
  else()
    add_library(${target} ${L_SRCS})
    target_include_directories(${target} PUBLIC ${BUDGETPERF_SOURCE_DIR})
    target_link_libraries(${target} PUBLIC ${L_DEPS} PRIVATE ${L_PRIVATE_DEPS})
    if(L_DEFINES)
      target_compile_definitions(${target} PRIVATE ${L_DEFINES})
    endif()
    budgetperf_warnings(${target})
  endif()
  add_library(budgetperf::${L_NAME} ALIAS ${target})
endfunction()

# budgetperf_cc_test(NAME name SRCS a.cc b.cc DEPS lib1 lib2 [LABELS l])
function(budgetperf_cc_test)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${T_NAME} PRIVATE
    BUDGETPERF_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    BUDGETPERF_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  budgetperf_warnings(${T_NAME})
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${T_NAME}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    PROPERTIES LABELS "${T_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()
