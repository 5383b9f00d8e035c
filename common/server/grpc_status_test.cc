#include "common/server/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "budgetperf/v1/ingestion.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

constexpr char kErrorsUrl[] = "type.googleapis.com/budgetperf.v1.ValidationErrors";

TEST(GrpcStatusTest, OkStaysOk) {
  EXPECT_THAT(ToGrpcStatus(absl::OkStatus()), IsOk());
  EXPECT_THAT(FromGrpcStatus(grpc::Status::OK), IsOk());
}

TEST(GrpcStatusTest, CodeAndMessageCrossBothWays) {
  const grpc::Status wire = ToGrpcStatus(absl::NotFoundError("no such unit"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(wire.error_message(), "no such unit");
  EXPECT_TRUE(wire.error_details().empty());
  const absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back, absl::NotFoundError("no such unit"));
}

TEST(GrpcStatusTest, TypedPayloadsTravelAsDetails) {
  v1::ValidationErrors errors;
  errors.add_violations()->set_rule("uscc_check_character");
  errors.set_omitted(2);
  absl::Status status = absl::InvalidArgumentError("package refused");
  status.SetPayload(kErrorsUrl, absl::Cord(errors.SerializeAsString()));
  // Not a type URL: stays on this side.
  status.SetPayload("local-note", absl::Cord("kept here"));

  const grpc::Status wire = ToGrpcStatus(status);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::RpcStatus envelope;
  ASSERT_TRUE(envelope.ParseFromString(wire.error_details()));
  EXPECT_EQ(envelope.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(envelope.message(), "package refused");
  ASSERT_EQ(envelope.details_size(), 1);
  v1::ValidationErrors unpacked;
  ASSERT_TRUE(envelope.details(0).UnpackTo(&unpacked));
  EXPECT_EQ(unpacked.violations(0).rule(), "uscc_check_character");

  const absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(back.message(), "package refused");
  absl::optional<absl::Cord> payload = back.GetPayload(kErrorsUrl);
  ASSERT_TRUE(payload.has_value());
  v1::ValidationErrors read;
  ASSERT_TRUE(read.ParseFromString(std::string(*payload)));
  EXPECT_EQ(read.omitted(), 2);
  EXPECT_FALSE(back.GetPayload("local-note").has_value());
}

TEST(GrpcStatusTest, DetailsThatAreNotAnRpcStatusAreIgnored) {
  const grpc::Status wire(grpc::StatusCode::INTERNAL, "broken", "\xff\xff not a proto");
  const absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back, absl::InternalError("broken"));
}

}  // namespace
}  // namespace budgetperf
