#ifndef BUDGETPERF_COMMON_SERVER_ARENA_MESSAGE_ALLOCATOR_H_
#define BUDGETPERF_COMMON_SERVER_ARENA_MESSAGE_ALLOCATOR_H_

// A callback method's request and response on one protobuf arena per call:
// a package (Submit) or a page of rows (GetRollup, Drilldown) is hundreds of
// small messages and strings, built or parsed, read once and freed, which the
// heap does far more slowly than an arena (a pointer bump each, all freed at
// once with the call). Install it with the generated
// SetMessageAllocatorFor_<Method>; it must outlive the registered service.
//
//   ArenaMessageAllocator<v1::SubmitRequest, v1::SubmitResponse> submit_allocator_;
//   ...
//   SetMessageAllocatorFor_Submit(&submit_allocator_);

#include <grpcpp/support/message_allocator.h>

#include "google/protobuf/arena.h"

namespace budgetperf {

template <typename Request, typename Response>
class ArenaMessageAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }

 private:
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(Options()) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    static google::protobuf::ArenaOptions Options() {
      google::protobuf::ArenaOptions options;
      // A generated package takes some 20 KB in memory, a 20-row page about
      // as much: one or two blocks.
      options.start_block_size = 16 * 1024;
      options.max_block_size = 256 * 1024;
      return options;
    }
    google::protobuf::Arena arena_;
  };
};

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_SERVER_ARENA_MESSAGE_ALLOCATOR_H_
