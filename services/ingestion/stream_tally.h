#ifndef BUDGETPERF_SERVICES_INGESTION_STREAM_TALLY_H_
#define BUDGETPERF_SERVICES_INGESTION_STREAM_TALLY_H_

// The answer of a SubmitStream, tallied package by package: each package's
// outcome as one SubmitStreamResult (in the order the packages came), and
// the stream's counts of accepted, replayed, refused and failed packages.
// Plain logic: the gRPC reactor reads the stream, hands each package to
// Ingestor::Submit and its answer here.
//
//   v1::SubmitStreamResponse response;
//   StreamTally tally(&response, {/*max_violations=*/20,
//                                 /*max_blocking_findings=*/5});
//   for (const v1::SubmitRequest& request : stream) {
//     tally.Add(request, ingestor->Submit(request));
//   }

#include "absl/status/statusor.h"
#include "budgetperf/v1/ingestion.pb.h"

namespace budgetperf {
namespace ingestion {

class StreamTally {
 public:
  // How much of a refused package's reasons a result lists (the counts are
  // always whole).
  struct Limits {
    int max_violations = 0;         // of a package refused as invalid
    int max_blocking_findings = 0;  // of a package refused by its findings
  };

  // Tallies into `response`, which must outlive the tally. Not thread-safe:
  // one stream's packages are added one at a time.
  StreamTally(v1::SubmitStreamResponse* response, Limits limits)
      : response_(response), limits_(limits) {}

  // Adds the outcome of `request`, which Ingestor::Submit answered with
  // `answer`: a result with the package's unit, year and status code, and
  // one more in the count of its kind. Accepted (and of those, with
  // errors) or replayed when `answer` is OK; otherwise blocked (a
  // BlockingFindings payload), rejected (a ValidationErrors payload) or
  // failed.
  void Add(const v1::SubmitRequest& request,
           const absl::StatusOr<v1::SubmitResponse>& answer);

 private:
  v1::SubmitStreamResponse* const response_;
  const Limits limits_;
  int index_ = 0;
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_STREAM_TALLY_H_
