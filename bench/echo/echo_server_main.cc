// budget-echo: the bare callback-API echo server used as the benchmarks'
// ceiling. Same server bootstrap as the real services (health, reflection,
// message limit), so the only difference measured is the work per call.

#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "bench/echo/echo.grpc.pb.h"
#include "common/server/grpc_server.h"

namespace {

class EchoServiceImpl final : public budgetperf::bench::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const budgetperf::bench::EchoRequest* request,
                                 budgetperf::bench::EchoResponse* response) override {
    if (request->reply_bytes() > 0) {
      response->mutable_payload()->assign(static_cast<size_t>(request->reply_bytes()), 'x');
    } else {
      *response->mutable_payload() = request->payload();
    }
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  budgetperf::BlockShutdownSignals();
  CLI::App app{"Bare gRPC echo server: the benchmarks' baseline."};
  budgetperf::GrpcServerOptions options;
  app.add_option("--listen", options.listen, "HOST:PORT (port 0 picks one)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  EchoServiceImpl service;
  auto server = budgetperf::GrpcServer::Start(options, {&service});
  if (!server.ok()) {
    std::cerr << "budget-echo: " << server.status() << std::endl;
    return 2;
  }
  std::cout << "listening on " << (*server)->address() << std::endl;
  budgetperf::WaitForShutdownSignal();
  (*server)->Shutdown();
  return 0;
}
