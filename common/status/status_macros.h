#ifndef BUDGETPERF_COMMON_STATUS_STATUS_MACROS_H_
#define BUDGETPERF_COMMON_STATUS_STATUS_MACROS_H_

// RETURN_IF_ERROR and ASSIGN_OR_RETURN, which the Debian Abseil (20220623)
// does not ship.
//
//   RETURN_IF_ERROR(store.Put(key, value));
//   ASSIGN_OR_RETURN(int64_t fen, ParseWanYuan(text));

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define BUDGETPERF_STATUS_CONCAT_INNER(a, b) a##b
#define BUDGETPERF_STATUS_CONCAT(a, b) BUDGETPERF_STATUS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                  \
  do {                                                         \
    ::absl::Status budgetperf_status_ = (expr);                \
    if (!budgetperf_status_.ok()) return budgetperf_status_;   \
  } while (0)

#define BUDGETPERF_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                     \
  if (!statusor.ok()) return statusor.status();               \
  lhs = std::move(statusor).value()

#define ASSIGN_OR_RETURN(lhs, expr)                                          \
  BUDGETPERF_ASSIGN_OR_RETURN_IMPL(                                          \
      BUDGETPERF_STATUS_CONCAT(budgetperf_statusor_, __LINE__), lhs, expr)

#endif  // BUDGETPERF_COMMON_STATUS_STATUS_MACROS_H_
