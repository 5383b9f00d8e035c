# Access control over real gRPC (included by CMakeLists.txt beside it): the
# real service classes in-process, each behind the AccessGuard on a socket,
# and the whole matrix of callers × methods; TLS with certificates made by
# the openssl command at test time; then the real binaries with their flags.
budgetperf_cc_test(NAME auth_integration_test
  SRCS
    auth_binaries_test.cc
    auth_matrix_test.cc
    auth_scope_test.cc
    auth_server_test.cc
    auth_token_test.cc
  DEPS budgetperf::auth budgetperf::ingestion_service budgetperf::ingestion_test_packages
    budgetperf::aggregation_service budgetperf::scoring_service budgetperf::testing budgetperf::status_matchers
    budgetperf::admin
    gRPC::grpc++
  LABELS integration)
add_dependencies(auth_integration_test budget-ingestion budget-aggregation budget-scoring budgetctl
  budgetd budget-audit)
