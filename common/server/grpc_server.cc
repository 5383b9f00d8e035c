#include "common/server/grpc_server.h"

#include <signal.h>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace budgetperf {

absl::Status ParseListenAddress(const std::string& listen, std::string* host, int* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen \"", listen, "\": must be HOST:PORT"));
  }
  int p = -1;
  if (!absl::SimpleAtoi(listen.substr(colon + 1), &p) || p < 0 || p > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen \"", listen, "\": port must be 0-65535"));
  }
  *host = listen.substr(0, colon);
  *port = p;
  return absl::OkStatus();
}

GrpcServer::GrpcServer(std::unique_ptr<grpc::Server> server, int port, std::string address)
    : server_(std::move(server)), port_(port), address_(std::move(address)) {}

GrpcServer::~GrpcServer() { Shutdown(std::chrono::milliseconds(0)); }

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const GrpcServerOptions& options, const std::vector<grpc::Service*>& services) {
  std::string host;
  int requested_port = 0;
  if (absl::Status s = ParseListenAddress(options.listen, &host, &requested_port); !s.ok()) {
    return s;
  }
  ServerSecurity security =
      options.security.has_value() ? *options.security : DefaultServerSecurity();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(security, host);
  if (!credentials.ok()) return credentials.status();

  std::vector<grpc::Service*> all = services;
  for (const std::shared_ptr<grpc::Service>& extra : security.extra_services) {
    all.push_back(extra.get());
  }
  std::vector<std::unique_ptr<grpc::Service>> guarded;
  if (security.guard != nullptr) {
    for (grpc::Service*& service : all) {
      absl::StatusOr<std::unique_ptr<grpc::Service>> wrapper = security.guard->Guard(service);
      if (!wrapper.ok()) return wrapper.status();
      service = wrapper->get();
      guarded.push_back(*std::move(wrapper));
    }
  }

  // Both are process-wide switches; setting them again is harmless. Health
  // and reflection are not behind the guard: probes and tools carry no token,
  // and neither service reveals any data.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(options.listen, *credentials, &bound_port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  for (grpc::Service* service : all) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  std::unique_ptr<GrpcServer> started(
      new GrpcServer(std::move(server), bound_port, absl::StrCat(host, ":", bound_port)));
  started->security_ = std::move(security);
  started->guarded_ = std::move(guarded);
  return started;
}

void GrpcServer::SetServing(const std::string& service, bool serving) {
  if (auto* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(service, serving);
  }
}

void GrpcServer::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  SetServing("", false);
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  while (sigwait(&set, &signal_number) != 0) {
  }
  return signal_number;
}

}  // namespace budgetperf
