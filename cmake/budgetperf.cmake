# Helpers shared by every folder: one test target per library, registered with ctest.
include(GoogleTest)

set(BUDGETPERF_SOURCE_DIR ${CMAKE_SOURCE_DIR})

# budgetperf_cc_test(NAME name SRCS a.cc b.cc DEPS lib1 lib2 [LABELS l])
function(budgetperf_cc_test)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${T_NAME} PRIVATE
    BUDGETPERF_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    BUDGETPERF_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${T_NAME}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    PROPERTIES LABELS "${T_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()
