# budget-aggregation end to end (included by CMakeLists.txt beside it): the
# real binary on a free port with a temporary data folder, over real gRPC.
budgetperf_cc_test(NAME aggregation_integration_test SRCS aggregation_integration_test.cc
  DEPS budgetperf::proto_grpc budgetperf::codes budgetperf::testing budgetperf::status_matchers gRPC::grpc++ absl::time
  LABELS integration)
add_dependencies(aggregation_integration_test budget-aggregation)
