// The JSON report and the human-readable table.
#pragma once
#include <string>
#include <vector>

#include "gemmkit_abi.h"
#include "results.h"

namespace gkr {

struct RunReport {
  const GkKernelInfo* info = nullptr;
  DeviceInfo device;
  RunConfig config;
  std::string date;              // ISO 8601, UTC
  std::string baseline_library;  // "cuBLAS 13.0.0" or "none"
  std::vector<ProblemResult> results;
};

std::string iso_date_utc();
std::string report_json(const RunReport& r);
std::string report_table(const RunReport& r);

}  // namespace gkr
