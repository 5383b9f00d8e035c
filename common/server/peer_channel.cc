#include "common/server/peer_channel.h"

namespace budgetperf {

grpc::ChannelArguments PeerChannelArguments(const PeerChannelOptions& options) {
  grpc::ChannelArguments args;
  // pick_first, gRPC's default, sends every call to the first address a name
  // resolves to.
  args.SetLoadBalancingPolicyName("round_robin");
  args.SetMaxReceiveMessageSize(options.max_receive_bytes);
  args.SetMaxSendMessageSize(options.max_send_bytes);
  if (options.fast_reconnect) {
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  }
  if (options.channel_id >= 0) args.SetInt("grpc.channel_id", options.channel_id);
  return args;
}

std::shared_ptr<grpc::Channel> MakePeerChannel(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const PeerChannelOptions& options) {
  return grpc::CreateCustomChannel(address, credentials, PeerChannelArguments(options));
}

}  // namespace budgetperf
