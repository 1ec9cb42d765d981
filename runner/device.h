// Device discovery for the runner and for --probe.
#pragma once
#include <string>

#include "results.h"

namespace gkr {

// Fills *out for device `index`. Returns "" on success, else a message saying why no device
// can be used (no driver, no GPU, bad index...).
std::string query_device(int index, DeviceInfo* out);

// The one-line JSON that --probe prints.
std::string probe_json(const DeviceInfo& dev);

}  // namespace gkr
