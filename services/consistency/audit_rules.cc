#include "services/consistency/audit_rules.h"

#include <string>
#include <vector>

#include "services/consistency/audit_context.h"

namespace budgetperf {

std::string NormalizeUnitName(const std::string& name) {
  const std::string compact = audit_internal::WithoutSpaces(name);
  std::string out;
  out.reserve(compact.size());
  for (size_t i = 0; i < compact.size();) {
    // （ U+FF08 = EF BC 88, ） U+FF09 = EF BC 89.
    if (compact.compare(i, 3, "\xEF\xBC\x88") == 0) {
      out.push_back('(');
      i += 3;
    } else if (compact.compare(i, 3, "\xEF\xBC\x89") == 0) {
      out.push_back(')');
      i += 3;
    } else {
      out.push_back(compact[i++]);
    }
  }
  return out;
}

std::vector<v1::Finding> RunAuditRules(const AuditInput& input,
                                       const ConsistencyConfig& config,
                                       const AuditOptions& options) {
  return audit_internal::Audit(input, config, options).Run();
}

}  // namespace budgetperf
