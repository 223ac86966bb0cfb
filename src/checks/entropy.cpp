#include "checks/entropy.h"

#include <cmath>
#include <cstdint>

namespace keyhound {
double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0.0;
  // Called for every candidate secret: count into a small table and visit only the symbols seen.
  uint32_t counts[256] = {0};
  unsigned char seen[256];
  int distinct = 0;
  for (unsigned char c : s)
    if (counts[c]++ == 0) seen[distinct++] = c;
  double h = 0.0, n = static_cast<double>(s.size());
  for (int i = 0; i < distinct; ++i) {
    double p = counts[seen[i]] / n;
    h -= p * std::log2(p);
  }
  return h;
}
}  // namespace keyhound
