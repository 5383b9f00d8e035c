#ifndef BUDGETPERF_COMMON_SERVER_PEER_CHANNEL_H_
#define BUDGETPERF_COMMON_SERVER_PEER_CHANNEL_H_

// The one way a budgetperf process opens a channel to a service: ingestion
// to scoring and aggregation, aggregation to ingestion, the audit job,
// budgetctl, the load generator. Every channel balances round robin over the
// addresses its name resolves to (a Kubernetes headless Service of two
// scoring pods gets calls on both, not everything on the first) and sets
// the message limits both ways.
//
//   PeerChannelOptions channel;
//   channel.fast_reconnect = true;
//   auto stub = v1::ScoringService::NewStub(
//       MakePeerChannel(address, DefaultChannelCredentials(), channel));

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

namespace budgetperf {

struct PeerChannelOptions {
  // Largest message received; and sent (-1: no limit).
  int max_receive_bytes = 16 * 1024 * 1024;
  int max_send_bytes = 16 * 1024 * 1024;
  // Reconnect after 200 ms, backing off to 2 s at most, rather than gRPC's
  // 1 s to 2 minutes: for a peer whose outage work waits on (the outbox).
  bool fast_reconnect = false;
  // Non-negative: a channel with its own connection, distinct from other
  // channels to the same address (grpc.channel_id), e.g. one per load
  // generator stream.
  int channel_id = -1;
};

// The arguments MakePeerChannel sets, for callers that add their own
// (a TLS target name override) or create the channel otherwise (with
// interceptors).
grpc::ChannelArguments PeerChannelArguments(const PeerChannelOptions& options = {});

// A channel to `address` (HOST:PORT or a DNS name) with `credentials`.
// Connecting is lazy: this succeeds whether or not the peer is up.
std::shared_ptr<grpc::Channel> MakePeerChannel(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const PeerChannelOptions& options = {});

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_SERVER_PEER_CHANNEL_H_
