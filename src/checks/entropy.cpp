#include "checks/entropy.h"

#include <cmath>

namespace keyhound {
double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0.0;
  unsigned counts[256] = {0};
  for (unsigned char c : s) counts[c]++;
  double h = 0.0, n = static_cast<double>(s.size());
  for (unsigned c : counts)
    if (c) {
      double p = c / n;
      h -= p * std::log2(p);
    }
  return h;
}
}  // namespace keyhound
